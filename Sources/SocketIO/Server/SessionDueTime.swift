/// The instants of a session's due time (``EngineIOSession/isDue(at:)``) as plain integers, so that the time is
/// kept in an atomic beside the session's lock: the server's ticker reads it for every session and visits only
/// those that are due (at 200 bots, visiting all 400 sessions four times a second under their locks was a third of
/// an idle daemon's CPU).
enum SessionDueTime {
    /// Nothing is due, ever (a closed session).
    static let never = Int64.max

    /// The instant as nanoseconds from a fixed origin, or ``never``: monotonic, so that comparing two of them
    /// compares the instants.
    static func nanoseconds(_ instant: ContinuousClock.Instant?) -> Int64 {
        guard let instant else { return never }
        let (seconds, attoseconds) = origin.duration(to: instant).components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private static let origin = ContinuousClock.now
}
