import Synchronization

/// When a session's next tick has something to do, kept outside its lock: the server's ticker reads it for every
/// session and visits only those that are due (at 200 bots, visiting all 400 sessions four times a second under
/// their locks was a third of an idle daemon's CPU).
///
/// The session stores it whenever it releases its lock (``EngineIOSession/locked(_:)``), from the deadlines the
/// lock guards, so it is never later than the earliest of them.
final class SessionDueTime: Sendable {
    private let nanoseconds = Atomic<Int64>(SessionDueTime.never)

    /// Nothing is due, ever (a closed session).
    static let never = Int64.max

    /// Sets the due time to `instant`, or to never.
    func set(_ instant: ContinuousClock.Instant?) {
        nanoseconds.store(instant.map(Self.nanoseconds) ?? Self.never, ordering: .relaxed)
    }

    /// Whether a tick at `now` (``nanoseconds(_:)``) has something to do.
    func isDue(at now: Int64) -> Bool {
        now >= nanoseconds.load(ordering: .relaxed)
    }

    /// The instant as nanoseconds from a fixed origin: monotonic, so that comparing two of them compares the
    /// instants.
    static func nanoseconds(_ instant: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = origin.duration(to: instant).components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private static let origin = ContinuousClock.now
}
