/// The restart state of one instance: a value type fed with starts and
/// exits at instants of an injected clock.
///
/// ```swift
/// var restarts = RestartTracker<ContinuousClock.Instant>(policy: RestartPolicy())
/// restarts.started(at: clock.now)
/// // ... the process exits:
/// switch restarts.exited(at: clock.now) {
/// case .restart(let delay): try await clock.sleep(for: delay); launchAgain()
/// case .crashLoop: rollBack()
/// }
/// ```
public struct RestartTracker<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// The rules.
    public let policy: RestartPolicy
    /// Exits since the last stable run.
    public private(set) var consecutiveFailures = 0
    private var startedAt: Instant?
    private var recentExits: [Instant] = []

    /// Creates a tracker with no history.
    public init(policy: RestartPolicy) {
        self.policy = policy
    }

    /// The process (re)started.
    public mutating func started(at instant: Instant) {
        startedAt = instant
    }

    /// The process exited: restart after a delay, or a crash loop.
    public mutating func exited(at instant: Instant) -> RestartDecision {
        if let startedAt, startedAt.duration(to: instant) >= policy.minUptime {
            consecutiveFailures = 0
        }
        startedAt = nil
        consecutiveFailures += 1
        recentExits.append(instant)
        let window = policy.crashWindow
        recentExits.removeAll { $0.duration(to: instant) > window }
        if recentExits.count >= policy.crashLoopExits {
            return .crashLoop(exits: recentExits.count)
        }
        return .restart(after: delay(forFailure: consecutiveFailures))
    }

    /// Forgets the history (after a rollback or a new deployment).
    public mutating func reset() {
        consecutiveFailures = 0
        startedAt = nil
        recentExits = []
    }

    /// The delay before restart number `failure` (1-based): initial × 2^(failure−1), capped.
    func delay(forFailure failure: Int) -> Duration {
        var delay = policy.initialDelay
        for _ in 1..<max(failure, 1) {
            delay *= 2
            if delay >= policy.maxDelay { return policy.maxDelay }
        }
        return min(delay, policy.maxDelay)
    }
}
