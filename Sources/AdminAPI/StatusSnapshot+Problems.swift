public import FleetTypes
public import Foundation

extension StatusSnapshot {
    /// A revision marked bad (`{"revision", "reason", "marked_at"}` in `bad`): automatic triggers skip it and
    /// rollbacks do not pick it, until a deployment of it succeeds.
    public struct Bad: Hashable, Sendable, Codable {
        /// The revision.
        public var revision: Revision
        /// Why its deployment failed (`instance 0 (shard-0.2): health_check_failure (40.0%)`).
        public var reason: String
        /// When it was marked.
        public var markedAt: Date

        /// A mark from its parts.
        package init(revision: Revision, reason: String, markedAt: Date) {
            self.revision = revision
            self.reason = reason
            self.markedAt = markedAt
        }

        enum CodingKeys: String, CodingKey {
            case revision, reason, markedAt = "marked_at"
        }

        /// Encodes every key.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(revision, forKey: .revision)
            try container.encode(reason, forKey: .reason)
            try container.encode(markedAt, forKey: .markedAt)
        }
    }

    /// Why the state store cannot be written (`{"error", "since", "pending_events"}` in `store_error`): while it
    /// cannot, the engine stands still and requests are refused.
    public struct StoreError: Hashable, Sendable, Codable {
        /// The store's error, from the latest failed write.
        public var error: String
        /// When the first write failed.
        public var since: Date
        /// How many events wait to be applied.
        public var pendingEvents: Int

        /// An outage from its parts.
        package init(error: String, since: Date, pendingEvents: Int) {
            self.error = error
            self.since = since
            self.pendingEvents = pendingEvents
        }

        enum CodingKeys: String, CodingKey {
            case error, since, pendingEvents = "pending_events"
        }
    }
}
