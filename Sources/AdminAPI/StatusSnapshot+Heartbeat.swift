public import FleetTypes
public import Foundation

extension StatusSnapshot {
    /// The latest `heartbeat` of a client: `{"at": "<ISO 8601>", "stats": {...}}` in `status --json`.
    public struct Heartbeat: Hashable, Sendable, Codable {
        /// When the daemon received it.
        public var at: Date
        /// The stats object as the bot sent it (`guilds`, `latency` in seconds, anything else); `{}` when it sent
        /// none or not an object; too large a one is replaced by `{"truncated": "<why>"}` plus its numeric
        /// `guilds` and `latency`.
        public var stats: [String: JSONValue]

        /// A heartbeat from its parts.
        public init(at: Date, stats: [String: JSONValue]) {
            self.at = at
            self.stats = stats
        }
    }
}
