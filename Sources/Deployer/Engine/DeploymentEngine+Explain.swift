import FleetTypes

/// Failure reasons for people: each timeout names its limit, and a gate that failed while the channel refused
/// connections says so.
extension DeploymentEngine {
    /// The reason with its particulars, e.g. `identify_timeout (no identify within 30 s)`. The code comes first, so
    /// scripts matching on it keep working.
    func explain(_ reason: FailureReason) -> String {
        switch reason {
        case .identifyTimeout: "\(reason.code) (no identify within \(Self.seconds(settings.identifyTimeout)))"
        case .readyTimeout: "\(reason.code) (no ready within \(Self.seconds(settings.readyTimeout)) of hello)"
        case .healthCheckTimeout: "\(reason.code) (no health report within \(Self.seconds(settings.checkTimeout)))"
        case .disconnected:
            "\(reason.code) (disconnected and not back within \(Self.seconds(settings.reconnectGrace)))"
        default: reason.description
        }
    }

    /// What the channel refused meanwhile, for a client that never reached us: a note for the reason, and whether
    /// the channel was shedding connections (then the revision is not to blame).
    func failureContext(of client: ClientID, reason: FailureReason, served: Bool) -> (note: String, shedding: Bool) {
        guard !served, reason == .identifyTimeout || reason == .disconnected,
            let since = clients[client]?.since ?? refusals.first?.at
        else { return ("", false) }
        let refused = refusals(concerning: client, since: since)
        guard !refused.isEmpty else { return ("", false) }
        let count = refused.reduce(0) { $0 + $1.count }
        let shedding = refused.contains { $0.cause == .shedding }
        let latest = refused[refused.count - 1]
        let what = shedding ? "the channel was shedding connections (\(latest.why))"
            : "\(count) connection(s) were refused meanwhile, the latest from \(latest.peer): \(latest.why)"
        return ("; \(what)", shedding)
    }
}
