/// An audit entry as stored, with its row id: the order of the trail, and where a reader that had the entries up
/// to it goes on (``DeployerStore/events(deployment:after:)``).
public struct StoredAuditEntry: Hashable, Sendable {
    /// Its row id, increasing in the order the entries were stored.
    public var id: Int64
    /// The entry.
    public var entry: AuditEntry

    /// Makes a stored entry.
    public init(id: Int64, entry: AuditEntry) {
        self.id = id
        self.entry = entry
    }
}

/// What one committed transaction of engine steps stored, for ``DeployerStore/observeCommits(_:)``.
public struct CommittedStep: Sendable {
    /// The audit entries stored, oldest first, with their row ids.
    public var entries: [StoredAuditEntry]
    /// The deployment rows written, as they now are.
    public var deployments: [DeploymentRecord]
}
