/// The engine's answer to one event, next to its actions (``EngineStep``): what a caller that asked something
/// (a deployment, a connection, an operator command) is told, without reading it out of the actions.
public enum EngineReply: Hashable, Sendable, CustomStringConvertible {
    /// A fact was taken (a launch, a message, an exit, a tick): there is nothing to answer.
    case noted
    /// A new deployment, running or queued, with its id.
    case accepted(deployment: Int)
    /// The same revision is already being deployed or waits: that deployment's id; nothing new was queued.
    case existing(deployment: Int, why: String)
    /// The revision already serves every instance: nothing was done and nothing recorded.
    case nothingToDo(String)
    /// Refused: a deployment request (halted, a revision marked bad), with the failed deployment recorded for it;
    /// or a connection (unknown client id, wrong key, an unmanaged client not wanted now), with no deployment.
    case refused(String, deployment: Int?)
    /// A connection was admitted: the socket is now the client's.
    case admitted
    /// An operator command took effect.
    case performed
    /// An operator command did not apply now (`abort` or `promote` with no deployment running): why.
    case ignored(String)

    /// The reply for people.
    public var description: String {
        switch self {
        case .noted: "noted"
        case .accepted(let id): "accepted as deployment #\(id)"
        case .existing(_, let why), .nothingToDo(let why), .refused(let why, _), .ignored(let why): why
        case .admitted: "admitted"
        case .performed: "done"
        }
    }
}

/// What one event made the engine decide: its answer, and the actions to perform, in order.
public struct EngineStep: Hashable, Sendable {
    /// The answer to the caller.
    public var reply: EngineReply
    /// The actions, for the driver to store and perform.
    public var actions: [DeployerAction]

    /// Makes a step.
    public init(reply: EngineReply, actions: [DeployerAction]) {
        self.reply = reply
        self.actions = actions
    }
}
