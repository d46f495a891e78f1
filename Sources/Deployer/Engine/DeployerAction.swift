public import FleetTypes
public import Foundation

/// What the engine decided; the driver performs each in order.
///
/// Secrets never appear here: `hello` and `process_commands` leave the Discord token for the driver to add,
/// and a launch key prints as `<redacted>`.
public enum DeployerAction: Hashable, Sendable {
    /// Answer a `connect` with success: the socket is now this client's.
    case admit(ClientID)
    /// Answer a `connect` with CONNECT_ERROR `{"message": reason}` and close the socket.
    case refuse(ClientID, reason: String)
    /// Send `hello` (the driver adds the token, the instance id and the heartbeat interval).
    case hello(ClientID, processCommands: Bool)
    /// Send `cmd`.
    case send(ClientID, ClientCommand)
    /// Start a process (supervisor); answered by `launched`/`launchFailed`, and later `exited`.
    case launch(LaunchOrder)
    /// Stop a process: wait `stop_grace` for it to exit, then SIGTERM, `kill_grace`, SIGKILL; answered by `exited`.
    /// After a daemon restart the process may be a survivor (recorded pid and start time) or gone; a client
    /// without a process is answered with `exited` at once.
    case stop(ClientID)
    /// Fetch, resolve `ref`, check the release out and build it; answered by `releasePrepared`.
    case prepareRelease(deployment: Int, ref: String)
    /// Make a good tag on `revision`, which deployment `deployment` rolled out; the repository names it, and
    /// ``DeployerEvent/taggedGood(_:)`` tells the engine the name.
    case tagGood(Revision, deployment: Int)
    /// Record `revision` as bad (the engine already refuses it).
    case markBad(Revision, reason: String)
    /// Remove the bad mark of `revision`: deployment `deployment` of it succeeded (the latest outcome wins).
    case unmarkBad(Revision, deployment: Int)
    /// Remove old releases beyond `keep_releases`, never one of `keep`.
    case retainReleases(keep: Set<Revision>)
    /// Tell people (log, Discord webhook, generic webhook).
    case notify(Notice)
    /// A deployment row changed: store it.
    case recordDeployment(DeploymentRecord)
    /// An audit entry: store it.
    case audit(AuditEntry)
}

/// The five commands of PROTOCOL.md.
public enum ClientCommand: Hashable, Sendable {
    /// `ok`: the answer to `ready` from the active client.
    case ok
    /// `health_check`.
    case healthCheck
    /// `process_commands {token, reason, epoch}`; the driver adds the token.
    case processCommands(reason: String, epoch: Int)
    /// `coma {reason, epoch}`.
    case coma(reason: String, epoch: Int)
    /// `shutdown {reason}`.
    case shutdown(reason: String)

    /// The command's `t` on the wire.
    public var name: String {
        switch self {
        case .ok: "ok"
        case .healthCheck: "health_check"
        case .processCommands: "process_commands"
        case .coma: "coma"
        case .shutdown: "shutdown"
        }
    }
}

/// Everything the supervisor needs to start one client, and the environment the client gets.
public struct LaunchOrder: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// `URBAN_ROBOT_INSTANCE`.
    public var client: ClientID
    /// `URBAN_ROBOT_SHARD`.
    public var instance: Int
    /// `URBAN_ROBOT_SHARD_COUNT`.
    public var shardCount: Int
    /// `URBAN_ROBOT_REVISION`; the release directory to run in.
    public var revision: Revision
    /// `URBAN_ROBOT_KEY`: the launch's secret. Never log it.
    public var key: String

    /// Makes a launch order.
    public init(client: ClientID, instance: Int, shardCount: Int, revision: Revision, key: String) {
        self.client = client
        self.instance = instance
        self.shardCount = shardCount
        self.revision = revision
        self.key = key
    }

    /// Describes the launch without its key.
    public var description: String {
        "launch \(client) of \(revision) (shard \(instance)/\(shardCount), key <redacted>)"
    }

    /// The same as ``description``: the key stays out of debug output too.
    public var debugDescription: String { description }
}

/// A message for people.
public struct Notice: Hashable, Sendable {
    /// How loud.
    public typealias Level = NoticeLevel

    /// How loud.
    public var level: Level
    /// What happened, in one sentence.
    public var message: String
}

/// One line of the audit trail: a transition or an action, with its time.
public struct AuditEntry: Hashable, Sendable {
    /// The deployment it belongs to, if any.
    public var deployment: Int?
    /// When.
    public var time: Date
    /// What happened.
    public var event: AuditEvent
    /// The instance it concerns.
    public var instance: Int?
    /// The client it concerns.
    public var client: ClientID?

    /// Makes an entry.
    public init(deployment: Int?, time: Date, event: AuditEvent, instance: Int? = nil, client: ClientID? = nil) {
        self.deployment = deployment
        self.time = time
        self.event = event
        self.instance = instance
        self.client = client
    }

    /// An entry as stored: its event read back from `kind` and `detail` (``AuditEvent/init(kind:detail:)``).
    public init(
        deployment: Int?, time: Date, kind: String, instance: Int? = nil, client: ClientID? = nil,
        detail: [String: String] = [:]
    ) {
        self.init(deployment: deployment, time: time, event: AuditEvent(kind: kind, detail: detail), instance: instance,
                  client: client)
    }

    /// The event's stable name, e.g. `gate.passed`, `handover.committed`, `action.cmd.coma`.
    public var kind: String { event.kind }

    /// The event's particulars as text.
    public var detail: [String: String] { event.detail }
}
