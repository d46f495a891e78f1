/// What started a deployment.
public enum Trigger: String, Hashable, Sendable, Codable, CaseIterable {
    /// The push hook.
    case push
    /// The GitHub webhook.
    case webhook
    /// The poll of the source.
    case poll
    /// `urban-robot deploy`.
    case cli
    /// `urban-robot rollback`.
    case rollback
    /// The engine, after a crash loop.
    case autoRollback = "auto-rollback"
    /// The engine, replacing an active that stopped talking to it (not re-identified after a daemon restart or a
    /// reconnect) through the gate and a handover, one instance at a time. Never requested, never queued.
    case repair

    /// Whether no person asked for it: such deployments skip bad revisions and are refused while halted.
    public var isAutomatic: Bool {
        switch self {
        case .push, .webhook, .poll, .autoRollback, .repair: true
        case .cli, .rollback: false
        }
    }
}
