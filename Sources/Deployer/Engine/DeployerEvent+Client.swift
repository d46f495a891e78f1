import FleetTypes

extension DeployerEvent {
    /// The client the event is about, when it is about one (a refused connection's only when it claimed one).
    var client: ClientID? {
        switch self {
        case .launched(let client, _, _), .launchFailed(let client, _), .connect(let client, _),
            .unmanagedConnected(let client, _), .identified(let client), .ready(let client), .healthReport(let client, _),
            .comaConfirmed(let client), .shutdownAnnounced(let client, _), .disconnected(let client), .exited(let client, _):
            client
        case .connectionRefused(let refusal):
            refusal.client
        case .request, .releasePrepared, .tick, .command, .goodTagsChanged, .taggedGood:
            nil
        }
    }
}
