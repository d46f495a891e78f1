/// The pure core of launch pacing: at most `maxConcurrency` grants within
/// any `spacing` (Discord allows one gateway IDENTIFY per 5 s per
/// concurrency bucket; config `max_concurrency`, `identify_spacing`).
///
/// Fair across instances: waiting instances are served round-robin in the
/// order they started waiting, each instance's own requests first come first
/// served. With one request per instance that is plain FIFO; an instance that
/// queues many cannot starve the others.
public struct LaunchPacer<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// A place in the queue.
    public typealias Ticket = UInt64

    /// Grants allowed per ``spacing``.
    public let maxConcurrency: Int
    /// The window.
    public let spacing: Duration
    private var recentGrants: [Instant] = []
    private var instanceOrder: [String] = []
    private var pending: [String: [Ticket]] = [:]
    private var nextTicket: Ticket = 0

    /// Creates a pacer; `maxConcurrency` below 1 is taken as 1.
    public init(maxConcurrency: Int, spacing: Duration) {
        self.maxConcurrency = max(1, maxConcurrency)
        self.spacing = spacing
    }

    /// True when nobody waits.
    public var isIdle: Bool { instanceOrder.isEmpty }

    /// Queues a request of `instance`; returns its ticket.
    public mutating func enqueue(instance: String) -> Ticket {
        nextTicket += 1
        if pending[instance, default: []].isEmpty { instanceOrder.append(instance) }
        pending[instance, default: []].append(nextTicket)
        return nextTicket
    }

    /// Withdraws a waiting request (the caller gave up).
    public mutating func cancel(_ ticket: Ticket) {
        for (instance, tickets) in pending where tickets.contains(ticket) {
            let rest = tickets.filter { $0 != ticket }
            pending[instance] = rest.isEmpty ? nil : rest
            if rest.isEmpty { instanceOrder.removeAll { $0 == instance } }
        }
    }

    /// Grants every request whose turn has come at `now`, in order.
    public mutating func grantDue(at now: Instant) -> [Ticket] {
        recentGrants.removeAll { $0.advanced(by: spacing) <= now }
        var granted: [Ticket] = []
        while recentGrants.count < maxConcurrency, !instanceOrder.isEmpty {
            let instance = instanceOrder.removeFirst()
            var tickets = pending[instance] ?? []
            granted.append(tickets.removeFirst())
            pending[instance] = tickets.isEmpty ? nil : tickets
            if !tickets.isEmpty { instanceOrder.append(instance) }
            recentGrants.append(now)
        }
        return granted
    }

    /// When the next grant can happen; nil when nobody waits.
    public func nextGrantTime(after now: Instant) -> Instant? {
        guard !instanceOrder.isEmpty else { return nil }
        let live = recentGrants.filter { $0.advanced(by: spacing) > now }
        guard live.count >= maxConcurrency, let oldest = live.first else { return now }
        return oldest.advanced(by: spacing)
    }
}
