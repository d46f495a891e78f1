public import FleetTypes
public import Foundation

/// One row of the `clients` table: a launched client the daemon must recognise after a restart.
public struct ClientRecord: Hashable, Sendable, Codable {
    /// Its instance.
    public var instance: Int
    /// Its id.
    public var client: ClientID
    /// Its revision.
    public var revision: Revision
    /// Its role.
    public var role: ClientRole
    /// Its process id, once launched. Not a column of `clients`: the launcher's record (the daemon's
    /// `launch_records`) is the one place it is stored, and the daemon sets it on the recovered record.
    public var pid: Int32?
    /// Its process start time (`/proc/<pid>/stat` field 22), to tell it from a reused pid; stored like ``pid``.
    public var startTime: UInt64?
    /// The newest epoch it was told.
    public var epoch: Int
    /// SHA-256 of its launch key (never the key).
    public var keyHash: KeyHash
    /// Since when it holds its role.
    public var since: Date

    /// Makes a record.
    public init(
        instance: Int, client: ClientID, revision: Revision, role: ClientRole, pid: Int32?, startTime: UInt64?,
        epoch: Int, keyHash: KeyHash, since: Date
    ) {
        self.instance = instance
        self.client = client
        self.revision = revision
        self.role = role
        self.pid = pid
        self.startTime = startTime
        self.epoch = epoch
        self.keyHash = keyHash
        self.since = since
    }
}

/// What the engine persists after every step besides deployments and events: clients, epochs, the halt.
public struct EngineSnapshot: Hashable, Sendable {
    /// Every client the engine knows.
    public var clients: [ClientRecord]
    /// Each instance's epoch.
    public var epochs: [Int: Int]
    /// Each instance's launch counter (the `n` of the last `shard-<i>.<n>`), so that ids are never reused.
    public var launches: [Int: Int] = [:]
    /// Each instance's restart counter (relaunches other than a deployment's since its revision went live).
    public var restarts: [Int: Int] = [:]
    /// Why the daemon is halted, if it is.
    public var haltReason: String?
    /// The running deployment's id, if one runs (the store files the step's actions under it).
    public var deployment: Int?
}

/// What the store hands the engine after a daemon restart.
public struct RecoveredState: Hashable, Sendable {
    /// The clients recorded before the restart.
    public var clients: [ClientRecord]
    /// Each instance's epoch.
    public var epochs: [Int: Int]
    /// Each instance's launch counter.
    public var launches: [Int: Int] = [:]
    /// Each instance's restart counter.
    public var restarts: [Int: Int] = [:]
    /// The largest deployment id used.
    public var lastDeploymentID: Int
    /// Deployments recorded as `running` or `queued`.
    public var unfinishedDeployments: [DeploymentRecord]
    /// Good tags, newest first (from the release store).
    public var goodTags: [GoodTag]
    /// Revisions marked bad, with why and when.
    public var badRevisions: [Revision: BadRevision]
    /// Why the daemon was halted, if it was.
    public var haltReason: String?

    /// Makes recovered state; the defaults describe a fresh daemon.
    public init(
        clients: [ClientRecord] = [], epochs: [Int: Int] = [:], lastDeploymentID: Int = 0,
        unfinishedDeployments: [DeploymentRecord] = [], goodTags: [GoodTag] = [],
        badRevisions: [Revision: BadRevision] = [:], haltReason: String? = nil
    ) {
        self.clients = clients
        self.epochs = epochs
        self.lastDeploymentID = lastDeploymentID
        self.unfinishedDeployments = unfinishedDeployments
        self.goodTags = goodTags
        self.badRevisions = badRevisions
        self.haltReason = haltReason
    }
}
