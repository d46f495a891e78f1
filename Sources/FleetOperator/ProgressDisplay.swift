public import AdminAPI
import FleetTypes
public import Foundation

/// What a person sees while a deployment runs, built from its progress events and the daemon's
/// status: the step, the instance and client, the gate phase, and how long the bake has left.
///
/// Without a terminal the CLI prints ``plainLine(_:)`` per event; on a terminal it also redraws
/// ``statusLine(now:)`` below them.
public struct ProgressDisplay: Sendable {
    /// The deployment shown.
    public let deployment: Int
    /// The step: `preparing`, `building`, `canary`, `batch`, `bake`, `watch`, `rollback`, ...
    public private(set) var step = "waiting"
    /// The wave, from 1, once known.
    public private(set) var wave: Int?
    /// How many waves, once known.
    public private(set) var waves: Int?
    /// The instance concerned by the newest event.
    public private(set) var instance: Int?
    /// The client concerned by the newest event.
    public private(set) var client: String?
    /// Where that client is in its gate.
    public private(set) var gatePhase: String?
    /// When the bake or watch ends.
    public private(set) var phaseEndsAt: Date?
    /// The outcome and reason, once the deployment is finished.
    public private(set) var outcome: String?
    /// Why it ended that way.
    public private(set) var reason: String?

    /// A display of deployment `deployment`, before any event.
    public init(deployment: Int) {
        self.deployment = deployment
    }

    /// The line printed for `event` without a terminal: its message, as the daemon wrote it.
    public static func plainLine(_ event: ProgressEvent) -> String {
        event.message
    }

    /// Takes one progress event.
    public mutating func apply(_ event: ProgressEvent) {
        if let instance = event.instance { self.instance = instance }
        if let client = event.client { self.client = client }
        guard event.kind != ProgressEvent.finishedKind else {
            outcome = event.detail["outcome"] ?? "unknown"
            reason = event.detail["reason"].flatMap { $0.isEmpty ? nil : $0 }
            phaseEndsAt = nil
            return
        }
        if event.kind == ProgressEvent.buildOutputKind {
            step = "building"
            return
        }
        switch AuditEvent(kind: event.kind, detail: event.detail) {
        case .deploymentStarted: step = "preparing"
        case .releasePrepared: step = "prepared"
        case .rolloutWave(let wave, _):
            step = wave == 0 ? "canary" : "batch"
            self.wave = wave + 1
            phaseEndsAt = nil
        case .rolloutBake(_, let seconds):
            step = "bake"
            phaseEndsAt = event.time.addingTimeInterval(seconds)
        case .rolloutWatch(let seconds):
            step = "watch"
            phaseEndsAt = event.time.addingTimeInterval(seconds)
        case .rollbackStarted: step = "rollback"; phaseEndsAt = nil
        case .clientLaunch: gatePhase = "launching"
        case .clientLaunched: gatePhase = "starting"
        case .clientConnected: gatePhase = "identifying"
        case .healthReport: gatePhase = "health check"
        case .gatePassed: gatePhase = "passed"
        case .gateFailed: gatePhase = "failed"
        case .handoverStarted: gatePhase = "handover"
        case .handoverCommitted: gatePhase = "serving"
        case .deploymentQueued, .deploymentReplaced, .deploymentDuplicate, .deploymentRefused,
             .deploymentInterrupted, .deploymentFinished, .releaseFailed, .rolloutPaused, .launchQueued,
             .clientRefused, .clientUnmanaged, .clientReadmitted, .clientDisconnected, .clientLost, .clientExited,
             .clientRetired, .clientUnaskedShutdown, .healthProbePassed, .activeFailed, .instanceCrashLoop,
             .handoverComaConfirmed, .handoverComaTimeout, .handoverAbandoned, .rollbackStandby, .rollbackPrepare,
             .rollbackTargetReady, .rollbackTargetFailed, .rollbackTargetRejected, .revisionUnmarkedBad,
             .revisionTaggedGood, .revisionNotMarkedBad, .daemonHalted, .operatorAbort, .operatorAbortIgnored, .operatorPromote,
             .operatorPromoteIgnored, .operatorResume, .channelRefused, .repairWanted, .repairClosed, .repairStarted,
             .repairFinished, .performed, .unrecognized:
            break
        }
    }

    /// Takes the daemon's status: the step, wave and bake end of this deployment while it runs.
    public mutating func apply(status: StatusSnapshot) {
        guard let running = status.deployment, running.id == deployment else { return }
        step = running.phase
        wave = running.wave + 1
        waves = running.waves
        phaseEndsAt = running.phaseEndsAt
    }

    /// One line: `#7 canary 1/3 · instance 0 shard-0.4 · gate: health check · bake 4m12s left`.
    public func statusLine(now: Date) -> String {
        var parts = ["#\(deployment) \(outcome ?? step)"]
        if let wave, outcome == nil { parts[0] += " \(wave)" + (waves.map { "/\($0)" } ?? "") }
        if let instance { parts.append("instance \(instance)\(client.map { " \($0)" } ?? "")") }
        if let gatePhase, outcome == nil { parts.append("gate: \(gatePhase)") }
        if let phaseEndsAt, outcome == nil {
            parts.append("\(step) \(ElapsedText.duration(phaseEndsAt.timeIntervalSince(now))) left")
        }
        return parts.joined(separator: " · ")
    }
}
