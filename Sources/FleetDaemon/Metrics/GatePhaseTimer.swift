import Deployer
import FleetTypes
import Foundation

/// Measures the phases of each candidate's gate from the engine's actions, without I/O:
/// `identify` (launch to `hello`), `ready` (`hello` to `health_check`) and `health_check`
/// (`health_check` to `gate.passed` or `gate.failed`).
struct GatePhaseTimer: Sendable {
    /// A finished phase of one gate.
    struct Measurement: Equatable, Sendable {
        /// `identify`, `ready` or `health_check`.
        var phase: String
        /// How long it took.
        var seconds: Double
    }

    private var running: [ClientID: (phase: String, since: Date)] = [:]

    /// Gates being measured.
    var count: Int { running.count }

    /// Takes one action observed at `now`; returns the phase it ended, if any.
    mutating func observe(_ action: DeployerAction, now: Date) -> Measurement? {
        switch action {
        case .audit(let entry):
            guard let client = entry.client else { return nil }
            return observe(entry.event, of: client, now: now)
        case .hello(let client, processCommands: false):
            return advance(client, from: "identify", to: "ready", now: now)
        case .send(let client, .healthCheck):
            return advance(client, from: "ready", to: "health_check", now: now)
        default:
            return nil
        }
    }

    private mutating func observe(_ event: AuditEvent, of client: ClientID, now: Date) -> Measurement? {
        switch event {
        case .clientLaunch:
            running[client] = ("identify", now)
            return nil
        case .gatePassed, .gateFailed:
            guard let started = running.removeValue(forKey: client) else { return nil }
            if case .gateFailed = event, started.phase != "health_check" { return nil }
            return Measurement(phase: started.phase, seconds: now.timeIntervalSince(started.since))
        case .clientRetired, .clientExited:
            running[client] = nil
            return nil
        case .deploymentStarted, .deploymentQueued, .deploymentReplaced, .deploymentDuplicate, .deploymentRefused,
             .deploymentInterrupted, .deploymentFinished, .releasePrepared, .releaseFailed, .rolloutWave,
             .rolloutBake, .rolloutPaused, .rolloutWatch, .launchQueued, .clientLaunched, .clientConnected,
             .clientRefused, .clientUnmanaged, .clientReadmitted, .clientDisconnected, .clientLost,
             .clientUnaskedShutdown, .healthReport, .healthProbePassed, .activeFailed, .instanceCrashLoop,
             .handoverStarted, .handoverComaConfirmed, .handoverComaTimeout, .handoverCommitted, .handoverAbandoned,
             .rollbackStarted, .rollbackStandby, .rollbackPrepare, .rollbackTargetReady, .rollbackTargetFailed,
             .rollbackTargetRejected, .revisionUnmarkedBad, .revisionTaggedGood, .revisionNotMarkedBad, .daemonHalted, .operatorAbort,
             .operatorAbortIgnored, .operatorPromote, .operatorPromoteIgnored, .operatorResume, .channelRefused,
             .repairWanted, .repairClosed, .repairStarted, .repairFinished, .performed, .unrecognized:
            return nil
        }
    }

    private mutating func advance(_ client: ClientID, from phase: String, to next: String, now: Date) -> Measurement? {
        guard let started = running[client], started.phase == phase else { return nil }
        running[client] = (next, now)
        return Measurement(phase: phase, seconds: now.timeIntervalSince(started.since))
    }
}
