/// The engine's answer to a deployment request (``DeploymentEngine/request(_:at:)``).
public enum RequestReply: Hashable, Sendable, CustomStringConvertible {
    /// A new deployment, running or queued, with its id.
    case accepted(deployment: Int)
    /// The same revision is already being deployed or waits: that deployment's id; nothing new was queued.
    case existing(deployment: Int, why: String)
    /// The revision already serves every instance: nothing was done and nothing recorded.
    case nothingToDo(String)
    /// Refused (halted, or a revision marked bad): the reason, and the failed deployment recorded for it.
    case refused(String, deployment: Int?)

    /// The reply for people.
    public var description: String {
        switch self {
        case .accepted(let id): "accepted as deployment #\(id)"
        case .existing(_, let why), .nothingToDo(let why), .refused(let why, _): why
        }
    }
}
