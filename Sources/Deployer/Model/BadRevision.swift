public import FleetTypes
public import Foundation

/// A revision marked bad: its latest deployment failed. Automatic triggers skip it and rollbacks do not pick it;
/// `deploy --force` does not care, and the next deployment of it that succeeds clears the mark.
public struct BadRevision: Hashable, Sendable {
    /// The revision.
    public var revision: Revision
    /// Why its deployment failed (`instance 0 (shard-0.2): health_check_failure (40.0%)`).
    public var reason: String
    /// When it was marked.
    public var markedAt: Date

    /// Makes a mark.
    public init(revision: Revision, reason: String, markedAt: Date) {
        self.revision = revision
        self.reason = reason
        self.markedAt = markedAt
    }
}
