import AdminAPI
import Deployer
import FleetTypes
import Foundation

/// The end of the log of the client whose failure ended a deployment, shown where the operator looks: the
/// `finished` progress event (so `deploy` and the push hook print it) and the failure notification.
///
/// The deployment's first `gate.failed` or `active.failed` audit entry names the instance and the client; the
/// client's log is `<state>/logs/<instance>/<client>.log`.
struct FailureLog: Sendable {
    /// The failing client and the last lines of its log.
    struct Tail: Sendable, Equatable {
        /// The failing client's instance.
        var instance: Int
        /// The failing client.
        var client: String
        /// Its last ``FailureLog/lines`` lines, as written.
        var text: String
    }

    /// How many lines are shown.
    static let lines = 20

    /// The daemon's state folder, holding `logs/`.
    let stateDirectory: String

    /// The tail of the log of the first failing client among `entries`, or nil when none names one or its
    /// log cannot be read.
    func tail(of entries: [AuditEntry]) -> Tail? {
        guard let failure = entries.first(where: { Self.namesAFailure($0.event) && $0.instance != nil && $0.client != nil }),
              let instance = failure.instance, let client = failure.client?.rawValue,
              let log = try? LogTail(path: "\(stateDirectory)/logs/\(instance)/\(client).log", lines: Self.lines)
        else { return nil }
        return Tail(instance: instance, client: client, text: String(decoding: log.text, as: UTF8.self))
    }

    /// Whether `event` says a client failed: `gate.failed` or `active.failed`.
    static func namesAFailure(_ event: AuditEvent) -> Bool {
        switch event {
        case .gateFailed, .activeFailed: true
        case .deploymentStarted, .deploymentQueued, .deploymentReplaced, .deploymentDuplicate, .deploymentRefused,
             .deploymentInterrupted, .deploymentFinished, .releasePrepared, .releaseFailed, .rolloutWave,
             .rolloutBake, .rolloutPaused, .rolloutWatch, .launchQueued, .clientLaunch, .clientLaunched,
             .clientConnected, .clientRefused, .clientUnmanaged, .clientReadmitted, .clientDisconnected, .clientLost,
             .clientExited, .clientRetired, .clientUnaskedShutdown, .healthReport, .healthProbePassed, .gatePassed,
             .instanceCrashLoop, .handoverStarted, .handoverComaConfirmed, .handoverComaTimeout, .handoverCommitted,
             .handoverAbandoned, .rollbackStarted, .rollbackStandby, .rollbackPrepare, .rollbackTargetReady,
             .rollbackTargetFailed, .rollbackTargetRejected, .revisionUnmarkedBad, .revisionTaggedGood, .revisionNotMarkedBad,
             .daemonHalted, .operatorAbort, .operatorAbortIgnored, .operatorPromote, .operatorPromoteIgnored,
             .operatorResume, .channelRefused, .repairWanted, .repairClosed, .repairStarted, .repairFinished,
             .performed, .unrecognized: false
        }
    }
}
