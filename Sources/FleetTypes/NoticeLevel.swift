/// How loud a message for people is (the engine's `Notice.Level`, and the `level` of an `action.notify` audit
/// event).
public enum NoticeLevel: String, Hashable, Sendable, Codable {
    /// Good news.
    case info
    /// A rollback.
    case warning
    /// Halted: a person must act.
    case critical
}
