public import FleetTypes
public import Foundation
public import GRDB
import Synchronization

/// The engine's state in SQLite (GRDB, with migrations): deployments, events (the audit trail), clients
/// (with the SHA-256 of their key, never the key), instance epochs, bad revisions, the halt.
///
/// ```swift
/// let store = try DeployerStore(path: "/var/lib/urban-robot/state.sqlite")
/// var engine = DeploymentEngine(settings: settings, recovered: try store.recover(goodTags: tags))
/// let actions = engine.start(at: .now)
/// try store.record(actions, snapshot: engine.snapshot)
/// ```
public final class DeployerStore: Sendable {
    let database: any DatabaseWriter
    /// The snapshot rows the last committed step left (nil before the first): what the next step compares with.
    private let written = Mutex<WrittenSnapshot?>(nil)
    private let commits = Atomic<Int>(0)
    private let observers = Mutex<[@Sendable (CommittedStep) -> Void]>([])
    /// Checkpoints the log of a database file off the writer's thread (nil in memory).
    let checkpointer: WALCheckpointer?

    /// The database's one writer, for the tables other modules keep in the same file (the daemon's launch
    /// records): their writes then queue with the engine's in this process instead of competing for SQLite's
    /// write lock from a second connection, where the busy handler's sleeps lost to the engine's back-to-back
    /// steps for seconds at 200 instances.
    public var writer: any DatabaseWriter { database }

    /// How many transactions of engine steps this store committed.
    public var committedSteps: Int { commits.load(ordering: .acquiring) }

    /// Opens (creating and migrating) the database file at `path` in WAL mode, its commits as durable as
    /// `durability` says.
    public convenience init(path: String, durability: CommitDurability = .survivesTheDaemon) throws {
        do {
            // Other connections to the same file (an operator's sqlite3) hold the write lock for moments: wait for it instead of failing the engine step with SQLITE_BUSY.
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            // Each connection's page cache grows with the database up to SQLite's default of 2 MiB, and the
            // audit trail only grows: bound it (the file's pages stay in the kernel's cache anyway).
            configuration.maximumReaderCount = Self.readerConnections
            configuration.prepareDatabase { database in
                try database.execute(sql: "PRAGMA cache_size = -\(Self.pageCacheKiB)")
                // The writer commits on the driver's thread: its log is checkpointed by `WALCheckpointer`.
                try database.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            if durability == .survivesTheMachine {
                // Only the writer commits; GRDB sets NORMAL when it turns WAL on, after `prepareDatabase`.
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            }
            try self.init(database: pool, checkpointer: WALCheckpointer(path: path))
        } catch let error as DeployerStoreError {
            throw error
        } catch {
            throw DeployerStoreError(
                code: .open, message: "cannot open the state database \(path); check the state folder's permissions",
                cause: error
            )
        }
    }

    /// The page cache of each connection, in KiB.
    static let pageCacheKiB = 512
    /// The reading connections at most (beside the one that writes).
    static let readerConnections = 3

    /// Opens a private in-memory database (tests, `demo`).
    public static func inMemory() throws -> DeployerStore {
        try DeployerStore(database: DatabaseQueue(), checkpointer: nil)
    }

    private init(database: any DatabaseWriter, checkpointer: WALCheckpointer?) throws {
        self.database = database
        self.checkpointer = checkpointer
        do {
            try Self.migrator.migrate(database)
        } catch {
            throw DeployerStoreError(code: .open, message: "cannot migrate the state database", cause: error)
        }
    }

    deinit {
        checkpointer?.stop()
    }

    /// Stores what one engine step produced, in one transaction: deployment rows, audit entries, bad
    /// revisions marked and unmarked, an `action.<name>` event for every other action (the audit trail of every action; launch keys
    /// print redacted), then the clients, epochs and halt of the snapshot that differ from what the last committed
    /// step wrote (all of them in a store's first step). A step that throws wrote nothing, and the next step, or
    /// its retry, writes everything that differs from the database.
    public func record(_ actions: [DeployerAction], snapshot: EngineSnapshot, at now: Date = Date()) throws {
        try record(steps: [RecordedStep(actions: actions, deployment: snapshot.deployment)], snapshot: snapshot, at: now)
    }

    /// Stores several engine steps made one after the other in one transaction, as ``record(_:snapshot:at:)``
    /// does one: each step's actions (their `action.*` entries attributed to that step's deployment), then the
    /// rows of the last step's `snapshot` that changed. What it stored goes to the commit observers once it
    /// committed.
    func record(steps: [RecordedStep], snapshot: EngineSnapshot, at now: Date) throws {
        try record(steps: steps, at: now) { written in WrittenSnapshot.rows(from: written, to: WrittenSnapshot(snapshot)) }
    }

    /// Stores several steps of `engine` as ``record(steps:snapshot:at:)`` does, looking only at the clients the
    /// engine changed since it was last stored (``DeploymentEngine/markStored()``, which the caller does once this
    /// returned); the whole snapshot when this store has not written one yet.
    func record(steps: [RecordedStep], of engine: DeploymentEngine, at now: Date) throws {
        try record(steps: steps, at: now) { written in
            guard let written else { return WrittenSnapshot.rows(from: nil, to: WrittenSnapshot(engine.snapshot)) }
            return written.rows(of: engine.unstoredChanges)
        }
    }

    private func record(
        steps: [RecordedStep], at now: Date, rows: (WrittenSnapshot?) -> SnapshotRows
    ) throws {
        try written.withLock { written in
            let rows = rows(written)
            let stored = try writeInTransaction("record an engine step") { db in
                var stored: [StoredAuditEntry] = []
                for step in steps {
                    stored += try Self.append(step.actions, deployment: step.deployment, at: now, db)
                    try step.rows?(db)
                }
                try rows.write(db)
                return stored
            }
            if written == nil { written = WrittenSnapshot(EngineSnapshot(clients: [], epochs: [:])) }
            written?.apply(rows)
            commits.add(1, ordering: .releasing)
            checkpointer?.committed()
            let observers = self.observers.withLock { $0 }
            guard !observers.isEmpty else { return }
            let step = CommittedStep(entries: stored, deployments: steps.flatMap { step in
                step.actions.compactMap { if case .recordDeployment(let record) = $0 { record } else { nil } }
            })
            for observer in observers { observer(step) }
        }
    }

    /// Calls `observer` after every committed transaction, with the audit entries it stored (oldest first, with
    /// their row ids) and the deployment rows it wrote, before the next one can commit: the observers see every
    /// entry once, in the order of the trail. It runs inside the driver's step: it must return at once.
    public func observeCommits(_ observer: @escaping @Sendable (CommittedStep) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Makes every later write fail (`PRAGMA query_only`), as a full disk or a read-only file would, or lifts that;
    /// for the fault tests of the driver.
    func refuseWrites(_ refuse: Bool) throws {
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = \(refuse ? 1 : 0)") }
    }

    /// The deployments, newest first (`history --json`).
    public func history(limit: Int = 50) throws -> [DeploymentRecord] {
        try deployments(sql: "SELECT * FROM deployments ORDER BY id DESC LIMIT ?", arguments: [limit])
    }

    /// One deployment's row.
    public func deployment(id: Int) throws -> DeploymentRecord? {
        try deployments(sql: "SELECT * FROM deployments WHERE id = ?", arguments: [id]).first
    }

    /// The audit trail of one deployment (or, with `nil`, the entries outside any deployment), oldest first.
    public func events(deployment: Int?) throws -> [AuditEntry] {
        try read("read the audit trail") { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE deployment_id IS ? ORDER BY id", arguments: [deployment]
            )
            return try rows.map(Self.auditEntry)
        }
    }

    /// The newest `limit` audit entries outside any deployment (adoptions, restarts, crash loops, repairs, refusals),
    /// newest first; without `routine`, the periodic health checks passed and the engine's `action.*` records are
    /// left out.
    public func recentEvents(limit: Int, routine: Bool) throws -> [AuditEntry] {
        let filter = routine ? "" : " AND kind NOT LIKE 'action.%' AND kind <> 'health.probe_passed'"
        return try read("read the audit trail") { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE deployment_id IS NULL\(filter) ORDER BY id DESC LIMIT ?", arguments: [limit]
            )
            return try rows.map(Self.auditEntry)
        }
    }

    /// The audit entries of `deployment` stored after row `id` (0: from its first), oldest first: what a reader
    /// that had the entries up to row `id` has not had yet, read through the `(deployment_id, id)` index.
    public func events(deployment: Int, after id: Int64) throws -> [StoredAuditEntry] {
        try read("read the audit trail") { db in
            let statement = try db.cachedStatement(
                sql: "SELECT * FROM events WHERE deployment_id = ? AND id > ? ORDER BY id"
            )
            return try Row.fetchAll(statement, arguments: [deployment, id]).map { row in
                StoredAuditEntry(id: row["id"], entry: try Self.auditEntry(row))
            }
        }
    }

    /// Revisions marked bad, with why and when.
    public func badRevisions() throws -> [Revision: BadRevision] {
        try read("read the bad revisions", Self.badRevisions)
    }

    /// Everything the engine needs to resume after a daemon restart; `goodTags` come from the release store.
    public func recover(goodTags: [GoodTag]) throws -> RecoveredState {
        let unfinished = try deployments(
            sql: "SELECT * FROM deployments WHERE outcome IN ('running', 'queued') ORDER BY id", arguments: []
        )
        return try read("recover the engine state") { db in
            let clients = try Row.fetchAll(db, sql: "SELECT * FROM clients ORDER BY client").map(Self.clientRecord)
            var epochs: [Int: Int] = [:]
            var launches: [Int: Int] = [:]
            var restarts: [Int: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT instance, epoch, launches, restarts FROM instance_epochs") {
                epochs[row["instance"]] = row["epoch"]
                launches[row["instance"]] = row["launches"]
                restarts[row["instance"]] = row["restarts"]
            }
            let lastID = try Int.fetchOne(db, sql: "SELECT MAX(id) FROM deployments") ?? 0
            let halt = try String.fetchOne(db, sql: "SELECT value FROM daemon_state WHERE key = 'halt_reason'")
            var recovered = RecoveredState(
                clients: clients, epochs: epochs, lastDeploymentID: lastID, unfinishedDeployments: unfinished,
                goodTags: goodTags, badRevisions: try Self.badRevisions(db), haltReason: halt
            )
            recovered.launches = launches
            recovered.restarts = restarts
            return recovered
        }
    }

    private func deployments(sql: String, arguments: StatementArguments) throws -> [DeploymentRecord] {
        try read("read deployments") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.deploymentRecord)
        }
    }

    private func write<T>(
        _ what: String, transaction: Bool = true, _ body: @Sendable (Database) throws -> T
    ) throws -> T {
        do {
            return try transaction ? database.write(body) : database.writeWithoutTransaction(body)
        } catch let error as DeployerStoreError {
            throw error
        } catch {
            throw DeployerStoreError(code: .query, message: "cannot \(what) in the state database", cause: error)
        }
    }

    /// Runs `body` in an immediate transaction, as `write` does, but begun and committed by statements prepared
    /// once: GRDB's `write` prepares `BEGIN` and `COMMIT` from their text for every transaction, some 10 % of an
    /// engine step's time in the store at 200 shards. Rolls back when `body` or the commit throws.
    private func writeInTransaction<T>(_ what: String, _ body: @Sendable (Database) throws -> T) throws -> T {
        try write(what, transaction: false) { db in
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            do {
                let result = try body(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return result
            } catch {
                if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
                throw error
            }
        }
    }

    private func read<T>(_ what: String, _ body: @Sendable (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch let error as DeployerStoreError {
            throw error
        } catch {
            throw DeployerStoreError(code: .query, message: "cannot \(what) from the state database", cause: error)
        }
    }
}
