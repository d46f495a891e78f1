import Synchronization

/// A log's rotation past its cap, as the process monitor's periodic job: each tick (about once a second) it looks
/// at the log's size when its ``RotationSchedule`` says so, and rotates it when it is past the cap.
final class LogRotation: Sendable {
    /// The log.
    let log: LogFile
    private let schedule: Mutex<RotationSchedule>

    /// The rotation of `log`, opened at `now`.
    init(_ log: LogFile, now: ContinuousClock.Instant = .now) {
        self.log = log
        schedule = Mutex(RotationSchedule(now: now))
    }

    /// The periodic job: looks at the log when due, and rotates it past its cap.
    func tick(at now: ContinuousClock.Instant = .now) {
        guard schedule.withLock({ $0.isDue(at: now) }) else { return }
        let size = log.size() ?? 0
        if size > log.policy.maxBytes { log.rotateIfNeeded() }
        schedule.withLock { $0.looked(size: size, cap: log.policy.maxBytes, at: now) }
    }
}
