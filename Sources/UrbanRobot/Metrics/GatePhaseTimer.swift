import Deployer
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
        case .audit(let entry) where entry.kind == "client.launch":
            if let client = entry.client { running[client] = ("identify", now) }
            return nil
        case .hello(let client, processCommands: false):
            return advance(client, from: "identify", to: "ready", now: now)
        case .send(let client, .healthCheck):
            return advance(client, from: "ready", to: "health_check", now: now)
        case .audit(let entry) where entry.kind == "gate.passed" || entry.kind == "gate.failed":
            guard let client = entry.client, let started = running.removeValue(forKey: client) else { return nil }
            return entry.kind == "gate.passed" || started.phase == "health_check"
                ? Measurement(phase: started.phase, seconds: now.timeIntervalSince(started.since)) : nil
        case .audit(let entry) where entry.kind == "client.retired" || entry.kind == "client.exited":
            if let client = entry.client { running[client] = nil }
            return nil
        default:
            return nil
        }
    }

    private mutating func advance(_ client: ClientID, from phase: String, to next: String, now: Date) -> Measurement? {
        guard let started = running[client], started.phase == phase else { return nil }
        running[client] = (next, now)
        return Measurement(phase: phase, seconds: now.timeIntervalSince(started.since))
    }
}
