import CMalloc
import Deployer
import Dispatch
import FleetTypes
import Synchronization

/// Gives the heap's free pages back to the system once the fleet has settled after a deployment (glibc's
/// `malloc_trim(0)`).
///
/// A rollout replaces every bot client; what the daemon's threads allocated for them is freed, but into glibc's
/// arenas, whose free pages glibc keeps (by itself it only trims the top of the main arena). Measured with the
/// scale benchmark (50 instances, debug build), the daemon's anonymous RSS grew 1.9 MB over 9 rollouts without a
/// trim, and 0.7 MB when each ended with one (README, "Memory per rollout").
///
/// The clients a deployment retires (200 standbys at 200 shards) exit after its end, and their sessions are freed
/// then: a trim at the end itself left them in the arenas (7 MB at 200 shards). So the end of a deployment asks for
/// a trim, and so does every client's exit while no deployment runs; the trim runs once no ask came for a whole
/// ``settleTime`` (between one and two of it after the last). It runs on a utility queue of its own, never on the
/// driver's thread.
final class HeapTrimmer: Sendable {
    /// How long the fleet stays without a deployment's end or an exit before the trim.
    static let settleTime = Duration.seconds(1)

    /// Runs a job after a delay (a dispatch queue's `asyncAfter`; tests run the jobs by hand).
    typealias Scheduler = @Sendable (Duration, @escaping @Sendable () -> Void) -> Void

    private struct State {
        /// A deployment was recorded as queued or running and not yet as ended.
        var deploymentRuns = false
        /// Counts the asks: a check that finds it moved since it was scheduled waits once more.
        var asks = 0
        /// The count of asks when the pending check was scheduled (nil: no check is pending).
        var scheduledAt: Int?
    }

    private let state = Mutex(State())
    private let settleTime: Duration
    private let schedule: Scheduler
    private let trim: @Sendable () -> Void

    /// - Parameters:
    ///   - settleTime: how long without an ask before the trim.
    ///   - schedule: runs the settle checks (and so the trims); a utility queue of the trimmer's own by default.
    ///   - trim: what a trim does (tests count the calls); `malloc_trim(0)` by default.
    init(
        settleTime: Duration = HeapTrimmer.settleTime,
        schedule: Scheduler? = nil,
        trim: @escaping @Sendable () -> Void = { _ = malloc_trim(0) }
    ) {
        self.settleTime = settleTime
        let queue = DispatchQueue(label: "urban-robot.heap-trim", qos: .utility)
        self.schedule = schedule ?? { delay, job in
            queue.asyncAfter(deadline: .now() + .nanoseconds(Int(delay.nanoseconds)), execute: job)
        }
        self.trim = trim
    }

    /// Takes one action of the engine; asks for a trim when it ends a deployment, or records an exit while no
    /// deployment runs.
    func observe(_ action: DeployerAction) {
        let scheduleCheck = state.withLock { state -> Bool in
            guard Self.asksForTrim(action, deploymentRuns: &state.deploymentRuns) else { return false }
            state.asks += 1
            guard state.scheduledAt == nil else { return false }
            state.scheduledAt = state.asks
            return true
        }
        if scheduleCheck { scheduleSettleCheck() }
    }

    /// Whether `action` asks for a trim (a deployment record with a terminal outcome, or a client's exit while no
    /// deployment runs); notes in `deploymentRuns` whether a deployment runs after it.
    static func asksForTrim(_ action: DeployerAction, deploymentRuns: inout Bool) -> Bool {
        switch action {
        case .recordDeployment(let record):
            deploymentRuns = !record.outcome.isTerminal
            return record.outcome.isTerminal
        case .audit(let entry):
            guard case .clientExited = entry.event else { return false }
            return !deploymentRuns
        default:
            return false
        }
    }

    private func scheduleSettleCheck() {
        schedule(settleTime) { [self] in
            let settled = state.withLock { state -> Bool in
                if state.scheduledAt == state.asks {
                    state.scheduledAt = nil
                    return true
                }
                state.scheduledAt = state.asks
                return false
            }
            if settled { trim() } else { scheduleSettleCheck() }
        }
    }
}
