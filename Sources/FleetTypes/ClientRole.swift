/// The role of a client within its instance (ARCHITECTURE.md, "Words").
public enum ClientRole: String, Hashable, Sendable, Codable {
    /// Being gated.
    case candidate
    /// Processing user commands; one per instance at most.
    case active
    /// The previous active, kept in `coma` for an instant rollback.
    case standby
    /// Told to shut down; waiting for its exit.
    case retiring
}
