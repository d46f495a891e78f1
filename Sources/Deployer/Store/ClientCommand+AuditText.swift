extension ClientCommand {
    /// The command as the audit trail's `command` detail holds it: the text Swift's default description gives
    /// (`coma(reason: "handover", epoch: 2)`), written directly. The default goes through reflection, and a rollout
    /// at 200 shards audits about a thousand commands on the driver's thread.
    var auditText: String {
        switch self {
        case .ok: "ok"
        case .healthCheck: "healthCheck"
        case .processCommands(let reason, let epoch): "processCommands(reason: \(reason.debugDescription), epoch: \(epoch))"
        case .coma(let reason, let epoch): "coma(reason: \(reason.debugDescription), epoch: \(epoch))"
        case .shutdown(let reason): "shutdown(reason: \(reason.debugDescription))"
        }
    }
}
