import CMalloc
import Deployer
import Dispatch
import FleetTypes
import Synchronization

/// Gives the heap's free pages back to the system once a deployment has ended (glibc's `malloc_trim(0)`).
///
/// A rollout replaces every bot client; what the daemon's threads allocated for them is freed, but into glibc's
/// arenas, whose free pages glibc keeps (by itself it only trims the top of the main arena). Measured with the
/// scale benchmark (50 instances, debug build), the daemon's anonymous RSS grew 1.9 MB over 9 rollouts without a
/// trim, and 0.7 MB when each ended with one (README, "Memory per rollout"). The trim runs on a utility queue of its
/// own, never on the driver's thread, and the trims asked for while one waits to run are merged into it.
final class HeapTrimmer: Sendable {
    private let queue = DispatchQueue(label: "urban-robot.heap-trim", qos: .utility)
    private let scheduled = Mutex(false)
    private let trim: @Sendable () -> Void

    /// - Parameter trim: what a trim does (tests count the calls); `malloc_trim(0)` by default.
    init(trim: @escaping @Sendable () -> Void = { _ = malloc_trim(0) }) {
        self.trim = trim
    }

    /// Whether `action` asks for a trim: a deployment record with a terminal outcome.
    static func asksForTrim(_ action: DeployerAction) -> Bool {
        guard case .recordDeployment(let record) = action else { return false }
        return record.outcome.isTerminal
    }

    /// Takes one action of the engine; schedules a trim when it asks for one.
    func observe(_ action: DeployerAction) {
        guard Self.asksForTrim(action) else { return }
        let schedule = scheduled.withLock { scheduled in
            defer { scheduled = true }
            return !scheduled
        }
        guard schedule else { return }
        queue.async {
            self.scheduled.withLock { $0 = false }
            self.trim()
        }
    }
}
