/// How a deployment ended, or where it stands (ARCHITECTURE.md, `history --json`).
public enum DeploymentOutcome: String, Hashable, Sendable, Codable {
    /// Waiting for the running one.
    case queued
    /// Running.
    case running
    /// The whole fleet runs the revision, which is tagged good.
    case succeeded
    /// It touched instances, failed, and they were returned to a serving or good revision.
    case rolledBack = "rolled-back"
    /// An operator stopped it (and it was undone), or a newer request replaced it while it waited.
    case aborted
    /// It failed before any instance was touched (release step, bad revision refused, halted), or its
    /// rollback found nothing that passes and the daemon halted.
    case failed

    /// Whether the deployment has ended.
    public var isTerminal: Bool {
        switch self {
        case .queued, .running: false
        default: true
        }
    }
}
