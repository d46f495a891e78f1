import FleetTypes
import Foundation

/// Connections the channel refused: kept for a while, so that a gate failing meanwhile names them.
extension DeploymentEngine {
    /// How many refusal reports are kept.
    static let refusalMemory = 64

    mutating func connectionRefused(_ refusal: ConnectionRefusal) {
        refusals.append((wallNow, refusal))
        if refusals.count > Self.refusalMemory { refusals.removeFirst(refusals.count - Self.refusalMemory) }
        audit(.channelRefused(cause: refusal.cause, peer: refusal.peer, why: refusal.why, count: refusal.count),
              client: refusal.client)
    }

    /// The refusals since `date` that may concern `client`: those that claimed it, and those that claimed no one.
    func refusals(concerning client: ClientID, since date: Date) -> [ConnectionRefusal] {
        refusals.filter { $0.at >= date && ($0.refusal.client == nil || $0.refusal.client == client) }.map(\.refusal)
    }
}
