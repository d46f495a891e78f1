import Foundation

/// The names and labels of one client's service and secret.
///
/// The service is `ur-<fleet>-<client>-<8 hex>` (a DNS name component: lower-case letters, digits and `-`, at most
/// 63 characters; the suffix keeps a new launch apart from a service of the same client still being removed), its
/// secret the service's name with `-key`. Both carry the labels a restarted daemon finds them by.
struct ServiceNaming: Sendable {
    /// The label of the fleet.
    static let fleetLabel = "urban-robot.fleet"
    /// The label of the client id (`shard-0.7`).
    static let clientLabel = "urban-robot.client"
    /// The label of the instance (the shard number).
    static let instanceLabel = "urban-robot.instance"
    /// The label of the full commit id.
    static let revisionLabel = "urban-robot.revision"
    /// The label Swarm gives a task's container: the service's name.
    static let serviceNameLabel = "com.docker.swarm.service.name"
    /// The file the key is mounted as, under `/run/secrets/`.
    static let keyFileName = "urban-robot-key"

    let service: String
    let labels: [String: String]

    init(settings: SwarmLauncherSettings, clientID: String, instance: String, revision: String) {
        let suffix = String(format: "%08x", UInt32.random(in: 0...UInt32.max))
        let fleetPart = String(Self.slug(settings.fleet).prefix(24))
        let clientPart = String(Self.slug(clientID).prefix(63 - 4 - fleetPart.count - 1 - suffix.count - 1))
        service = "ur-\(fleetPart)-\(clientPart)-\(suffix)"
        labels = settings.labels.merging([
            Self.fleetLabel: settings.fleet, Self.clientLabel: clientID,
            Self.instanceLabel: instance, Self.revisionLabel: revision,
        ]) { _, ours in ours }
    }

    /// The secret that carries the launch's key.
    var secret: String { service + "-key" }

    /// The events of the containers of the service named `service`.
    static func eventFilters(service: String) -> [String: [String]] {
        ["type": ["container"], "label": ["\(serviceNameLabel)=\(service)"]]
    }

    /// `text` with every character that is not a lower-case letter or digit turned into `-`.
    static func slug(_ text: String) -> String {
        String(text.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
    }
}
