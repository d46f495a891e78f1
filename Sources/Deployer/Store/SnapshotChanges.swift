import FleetTypes

/// An instance's counters as the store keeps them (table `instance_epochs`).
struct InstanceCounters: Hashable, Sendable {
    /// The instance's epoch.
    var epoch: Int
    /// Its launch counter (the `n` of the last `shard-<i>.<n>`).
    var launches: Int
    /// Its restart counter.
    var restarts: Int
}

/// What an engine step leaves for the store to write beside its actions: the clients set or changed since the
/// store last committed, the ids of those removed, every instance's counters (index order) and the halt.
struct SnapshotChanges: Sendable {
    /// The clients set or changed.
    var clients: [ClientRecord]
    /// The clients removed.
    var removed: [ClientID]
    /// Every instance's counters, by index.
    var counters: [InstanceCounters]
    /// Why the daemon is halted, if it is.
    var haltReason: String?
}
