/// The sessions that have not authenticated yet, in opening order, counted per peer address: what the
/// server sheds when a limit is reached.
struct UnauthenticatedSessions: Sendable {
    private struct Entry: Sendable {
        let address: String
        let order: Int
    }

    private var entries: [String: Entry] = [:]
    private var countByAddress: [String: Int] = [:]
    private var nextOrder = 0

    /// How many there are.
    var count: Int { entries.count }

    /// How many `address` has.
    func count(of address: String) -> Int { countByAddress[address, default: 0] }

    /// Adds session `id` of `address` as the newest.
    mutating func insert(_ id: String, address: String) {
        entries[id] = Entry(address: address, order: nextOrder)
        nextOrder += 1
        countByAddress[address, default: 0] += 1
    }

    /// Removes session `id`; `false` when it was not there (already authenticated or gone).
    @discardableResult
    mutating func remove(_ id: String) -> Bool {
        guard let entry = entries.removeValue(forKey: id) else { return false }
        let left = countByAddress[entry.address, default: 1] - 1
        countByAddress[entry.address] = left > 0 ? left : nil
        return true
    }

    /// The oldest session, of `address` when given.
    func oldest(of address: String? = nil) -> String? {
        entries.filter { address == nil || $0.value.address == address }.min { $0.value.order < $1.value.order }?.key
    }
}
