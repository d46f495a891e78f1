/// Remembers recent webhook delivery ids (`X-GitHub-Delivery`) so that a replayed
/// delivery is recognised; bounded, forgetting the oldest first.
public struct DeliveryLedger: Sendable {
    private let capacity: Int
    private var seen: Set<String> = []
    private var order: [String] = []
    private var oldest = 0

    /// A ledger remembering at most `capacity` deliveries.
    public init(capacity: Int = 10_000) {
        precondition(capacity > 0, "a delivery ledger must remember at least one delivery")
        self.capacity = capacity
    }

    /// Records `id`; false when it was already recorded (a replay).
    public mutating func recordFirstSighting(of id: String) -> Bool {
        guard !seen.contains(id) else { return false }
        seen.insert(id)
        if order.count < capacity {
            order.append(id)
        } else {
            seen.remove(order[oldest])
            order[oldest] = id
            oldest = (oldest + 1) % capacity
        }
        return true
    }
}
