import FleetTypes
import Foundation

/// Why a candidate was launched: decides what its gate's verdict leads to.
enum LaunchPurpose: Hashable, Sendable {
    /// The new revision of the running rollout.
    case rollout
    /// A good revision replacing a failed one during a rollback.
    case rollback
    /// The same revision again, after the active exited.
    case restart
    /// A client started by hand and admitted by the operator's `allow_unmanaged`: gated, never restarted.
    case unmanaged
    /// The same revision again, replacing an active that stopped talking to the daemon while it may still serve.
    case repair
}

/// Everything the engine knows about one client.
struct ClientState: Hashable, Sendable {
    let id: ClientID
    let instance: Int
    let revision: Revision
    let keyHash: KeyHash
    var role: ClientRole
    var purpose: LaunchPurpose
    var since: Date
    var pid: Int32?
    var startTime: UInt64?
    /// Connected with valid credentials, right now.
    var authenticated = false
    /// Sent `identify` on the current connection.
    var identified = false
    /// The newest epoch this client was told (`process_commands` or `coma`).
    var epoch: Int
    var gate: Gate?
    /// A disconnected non-candidate's grace end.
    var reconnectDeadline: Date?
    /// A connected non-candidate must identify by then.
    var identifyDeadline: Date?
    /// When the next periodic health check is due.
    var nextProbe: Date?
    /// When the running periodic health check times out.
    var probeDeadline: Date?
    /// We asked it to shut down.
    var shutdownRequested = false
    /// Recovered from the store after a daemon restart and not yet identified to this daemon.
    var adopted = false

    /// Whether a message can reach it now.
    var reachable: Bool { authenticated && reconnectDeadline == nil }

    /// The status word of this client (`serving`, `standby`, `identifying`, ...).
    var stateWord: String {
        if role == .active, !identified, !shutdownRequested {
            return authenticated ? "unconfirmed" : "reconnecting"
        }
        if !authenticated { return reconnectDeadline != nil ? "disconnected" : "connecting" }
        switch role {
        case .active: return "serving"
        case .standby: return "standby"
        case .retiring: return "stopping"
        case .candidate:
            switch gate?.phase {
            case .awaitingIdentify, nil: return "identifying"
            case .awaitingReady: return "awaiting-ready"
            case .awaitingReport: return "health-check"
            case .passed: return "handover"
            case .failed: return "failed"
            }
        }
    }

    /// When an active that has not identified to this daemon (after a restart or a reconnect) is replaced; `nil`
    /// when it is confirmed.
    var confirmDeadline: Date? {
        guard role == .active, !identified, !shutdownRequested else { return nil }
        return identifyDeadline ?? reconnectDeadline
    }

    /// The earliest of its deadlines (without an array: the driver asks for every client after every step).
    var nextDeadline: Date? {
        earlier(earlier(earlier(earlier(gate?.nextDeadline, reconnectDeadline), identifyDeadline), nextProbe), probeDeadline)
    }
}

extension ClientState {
    /// The row the store keeps of it.
    var record: ClientRecord {
        ClientRecord(
            instance: instance, client: id, revision: revision, role: role, pid: pid, startTime: startTime,
            epoch: epoch, keyHash: keyHash, since: since)
    }
}
