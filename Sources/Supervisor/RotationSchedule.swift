/// When the size of a log is next looked at, to rotate it past its cap (``LogRotation``): a second after the last
/// look while its recent growth could take it to the cap within a few seconds, and later, up to ``longestWait``,
/// while it grows slowly or not at all. At 200 bots the process monitor's `stat` of every log once a second was a
/// quarter of an idle daemon's CPU; most bots write a line now and then.
///
/// The cost: a log that was quiet and then grows fast is looked at up to ``longestWait`` later than before, so it
/// may pass its cap by up to that many seconds of output (one second's before).
struct RotationSchedule: Sendable {
    typealias Instant = ContinuousClock.Instant

    /// The wait after a look at a log that grows fast, or shrank, or is past its cap (and the first).
    static let shortestWait: Duration = .seconds(1)
    /// The wait after a look at a log that did not grow.
    static let longestWait: Duration = .seconds(4)

    /// When the log is next looked at.
    private(set) var next: Instant
    /// The size found at the last look, and when.
    private var last: (size: Int, at: Instant)?

    /// The schedule of a log opened at `now`: first looked at a second later.
    init(now: Instant) {
        next = now + Self.shortestWait
    }

    /// Whether the log is to be looked at `now`.
    func isDue(at now: Instant) -> Bool {
        now >= next
    }

    /// Notes a look at `now` that found `size` bytes against the log's cap, `cap`: the next look is at half the time
    /// the growth since the previous look would take to fill what is left, from ``shortestWait`` to ``longestWait``.
    mutating func looked(size: Int, cap: Int, at now: Instant) {
        defer { last = (size, now) }
        guard let last, size >= last.size, size <= cap else {
            next = now + Self.shortestWait
            return
        }
        let seconds = (now - last.at) / .seconds(1)
        let grown = Double(size - last.size)
        let halfTimeToCap = grown > 0 && seconds > 0 ? Double(cap - size) / (grown / seconds) / 2 : .infinity
        let wait = min(max(halfTimeToCap, Self.shortestWait / .seconds(1)), Self.longestWait / .seconds(1))
        next = now + .milliseconds(Int64(wait * 1000))
    }
}
