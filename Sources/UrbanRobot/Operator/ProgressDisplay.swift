public import Deployer
public import Foundation

/// What a person sees while a deployment runs, built from its progress events and the daemon's
/// status: the step, the instance and client, the gate phase, and how long the bake has left.
///
/// Without a terminal the CLI prints ``plainLine(_:)`` per event; on a terminal it also redraws
/// ``statusLine(now:)`` below them.
public struct ProgressDisplay: Sendable {
    /// The deployment shown.
    public let deployment: Int
    /// The step: `preparing`, `canary`, `batch`, `bake`, `watch`, `rollback`, ...
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
        let detail = event.detail
        switch event.kind {
        case ProgressEvent.finishedKind:
            outcome = detail["outcome"] ?? "unknown"
            reason = detail["reason"].flatMap { $0.isEmpty ? nil : $0 }
            phaseEndsAt = nil
        case "deployment.started": step = "preparing"
        case "release.prepared": step = "prepared"
        case "rollout.wave":
            step = detail["wave"] == "0" ? "canary" : "batch"
            if let wave = detail["wave"].flatMap(Int.init) { self.wave = wave + 1 }
            phaseEndsAt = nil
        case "rollout.bake", "rollout.watch":
            step = event.kind == "rollout.bake" ? "bake" : "watch"
            phaseEndsAt = detail["seconds"].flatMap(Double.init).map { event.time.addingTimeInterval($0) }
        case "rollback.started": step = "rollback"; phaseEndsAt = nil
        case "client.launch": gatePhase = "launching"
        case "client.launched": gatePhase = "starting"
        case "client.connected": gatePhase = "identifying"
        case "gate.phase": gatePhase = detail["phase"] ?? gatePhase
        case "health.report": gatePhase = "health check"
        case "gate.passed": gatePhase = "passed"
        case "gate.failed": gatePhase = "failed"
        case "handover.started": gatePhase = "handover"
        case "handover.committed": gatePhase = "serving"
        default: break
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
            parts.append("\(step) \(StatusTable.duration(phaseEndsAt.timeIntervalSince(now))) left")
        }
        return parts.joined(separator: " · ")
    }
}
