public import FleetTypes
public import Foundation

/// One row of `history --json`: `{"id", "revision", "trigger", "outcome", "reason", "started_at", "finished_at"}`.
public struct HistoryEntry: Hashable, Sendable, Codable {
    /// The deployment id.
    public var id: Int
    /// The full revision, or the ref asked for when it never resolved.
    public var revision: String?
    /// What asked.
    public var trigger: Trigger
    /// Where it stands or how it ended.
    public var outcome: DeploymentOutcome
    /// Why it ended that way.
    public var reason: String?
    /// When it started (when it was asked for, for one that never ran).
    public var startedAt: Date
    /// When it ended.
    public var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, revision, trigger, outcome, reason, startedAt = "started_at", finishedAt = "finished_at"
    }

    /// A row from its parts.
    package init(
        id: Int, revision: String?, trigger: Trigger, outcome: DeploymentOutcome, reason: String?, startedAt: Date,
        finishedAt: Date?
    ) {
        self.id = id
        self.revision = revision
        self.trigger = trigger
        self.outcome = outcome
        self.reason = reason
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// Encodes every key, `null` included.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(revision, forKey: .revision)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(reason, forKey: .reason)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
    }
}
