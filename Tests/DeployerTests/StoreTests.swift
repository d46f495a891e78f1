@testable import Deployer
import FleetTypes
import Foundation
import GRDB
import TestSupport
import Testing

/// The store's step writes: only the snapshot rows that changed, a failed step written wholly by its retry,
/// dates in GRDB's text without ICU, the trail read after a row id.
@Suite struct StoreTests {
    /// A store in a fresh file, and a second connection to it that counts the rows each table gets written.
    struct CountedStore {
        let folder: URL
        let store: DeployerStore
        let counter: DatabaseQueue

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("state.sqlite").path
            store = try DeployerStore(path: path)
            counter = try DatabaseQueue(path: path)
            try counter.write { db in
                try db.execute(sql: "CREATE TABLE row_writes (name TEXT PRIMARY KEY, count INTEGER NOT NULL)")
                for table in ["clients", "instance_epochs", "daemon_state"] {
                    try db.execute(sql: "INSERT INTO row_writes VALUES ('\(table)', 0)")
                    for event in ["INSERT", "UPDATE", "DELETE"] {
                        try db.execute(sql: """
                            CREATE TRIGGER count_\(table)_\(event) AFTER \(event) ON \(table)
                            BEGIN UPDATE row_writes SET count = count + 1 WHERE name = '\(table)'; END
                            """)
                    }
                }
            }
        }

        /// Rows written (inserted, updated or deleted) in `table` since the last call.
        func takeWrites(_ table: String) throws -> Int {
            try counter.write { db in
                let count = try Int.fetchOne(db, sql: "SELECT count FROM row_writes WHERE name = ?", arguments: [table])
                try db.execute(sql: "UPDATE row_writes SET count = 0 WHERE name = ?", arguments: [table])
                return count ?? 0
            }
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func client(_ instance: Int, _ launch: Int, role: ClientRole = .active, epoch: Int = 1) -> ClientRecord {
        ClientRecord(
            instance: instance, client: ClientID(rawValue: "shard-\(instance).\(launch)"), revision: .v1, role: role,
            pid: Int32(1000 + instance), startTime: 42, epoch: epoch, keyHash: KeyHash(key: "key-\(instance)"),
            since: Date(timeIntervalSince1970: 1_800_000_000)
        )
    }

    static func snapshot(_ clients: [ClientRecord], epochs: [Int: Int], halt: String? = nil) -> EngineSnapshot {
        EngineSnapshot(
            clients: clients, epochs: epochs, launches: epochs.mapValues { $0 + 1 }, haltReason: halt, deployment: nil
        )
    }

    static func expectRecovered(_ store: DeployerStore, _ snapshot: EngineSnapshot) throws {
        let recovered = try store.recover(goodTags: [])
        // The process identity is not the store's (the daemon's launch records hold it): it comes back as nil.
        let stored = snapshot.clients.map { client in
            var client = client
            client.pid = nil
            client.startTime = nil
            return client
        }
        #expect(recovered.clients == stored.sorted { $0.client.rawValue < $1.client.rawValue })
        #expect(recovered.epochs == snapshot.epochs)
        #expect(recovered.launches == snapshot.launches)
        #expect(recovered.haltReason == snapshot.haltReason)
    }

    @Test func aStepWritesOnlyTheSnapshotRowsThatChanged() throws {
        let counted = try CountedStore()
        defer { counted.remove() }
        let fleet = (0..<50).map { Self.client($0, 1) }
        let epochs = Dictionary(uniqueKeysWithValues: (0..<50).map { ($0, 1) })
        try counted.store.record([], snapshot: Self.snapshot(fleet, epochs: epochs))
        #expect(try counted.takeWrites("clients") == 50)
        #expect(try counted.takeWrites("instance_epochs") == 50)
        let haltWrites = try counted.takeWrites("daemon_state")
        #expect(haltWrites == 1)

        // One handover: instance 7's active becomes standby, a new active, its epoch bumped.
        var next = fleet
        next[7].role = .standby
        next.append(Self.client(7, 2, epoch: 2))
        var nextEpochs = epochs
        nextEpochs[7] = 2
        try counted.store.record([], snapshot: Self.snapshot(next, epochs: nextEpochs))
        #expect(try counted.takeWrites("clients") == 2)
        #expect(try counted.takeWrites("instance_epochs") == 1)
        #expect(try counted.takeWrites("daemon_state") == 0)
        try Self.expectRecovered(counted.store, Self.snapshot(next, epochs: nextEpochs))

        // The standby leaves; the daemon halts.
        next.remove(at: 7)
        try counted.store.record([], snapshot: Self.snapshot(next, epochs: nextEpochs, halt: "3 rollbacks"))
        #expect(try counted.takeWrites("clients") == 1)
        #expect(try counted.takeWrites("instance_epochs") == 0)
        #expect(try counted.takeWrites("daemon_state") == 1)
        try Self.expectRecovered(counted.store, Self.snapshot(next, epochs: nextEpochs, halt: "3 rollbacks"))
    }

    @Test func aFailedStepIsWrittenWhollyByItsRetry() throws {
        let counted = try CountedStore()
        defer { counted.remove() }
        let before = Self.snapshot([Self.client(0, 1), Self.client(1, 1)], epochs: [0: 1, 1: 1])
        try counted.store.record([], snapshot: before)
        let steps = counted.store.committedSteps

        var changed = before.clients
        changed[0].role = .standby
        changed.remove(at: 1)
        changed.append(Self.client(0, 2, epoch: 2))
        let after = Self.snapshot(changed, epochs: [0: 2, 1: 1], halt: "halted")
        // An audit entry of a deployment that has no row breaks a foreign key: the transaction rolls back.
        let orphan = DeployerAction.audit(AuditEntry(deployment: 999, time: Date(), kind: "gate.passed"))
        #expect(throws: DeployerStoreError.self) { try counted.store.record([orphan], snapshot: after) }
        #expect(counted.store.committedSteps == steps)
        try Self.expectRecovered(counted.store, before)

        try counted.store.record([], snapshot: after)
        try Self.expectRecovered(counted.store, after)
        let reopened = try DeployerStore(path: counted.folder.appendingPathComponent("state.sqlite").path)
        try Self.expectRecovered(reopened, after)
    }

    @Test func randomStepsLeaveTheSnapshotAStoreReopenedReads() throws {
        let counted = try CountedStore()
        defer { counted.remove() }
        var generator = SystemRandomNumberGenerator()
        var clients: [ClientID: ClientRecord] = [:]
        var epochs: [Int: Int] = [:]
        var launches = 0
        for step in 0..<200 {
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let instance = Int.random(in: 0..<8, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0:
                    launches += 1
                    let client = Self.client(instance, launches, role: .candidate)
                    clients[client.client] = client
                case 1: if let gone = clients.keys.randomElement(using: &generator) { clients[gone] = nil }
                case 2:
                    if let id = clients.keys.randomElement(using: &generator) {
                        clients[id]?.role = [.active, .standby, .retiring].randomElement(using: &generator)!
                        clients[id]?.pid = Int32.random(in: 2...99_999, using: &generator)
                    }
                default: epochs[instance, default: 0] += 1
                }
            }
            let snapshot = Self.snapshot(
                Array(clients.values), epochs: epochs, halt: step % 37 == 0 ? "halt \(step)" : nil)
            try counted.store.record([], snapshot: snapshot)
            try Self.expectRecovered(counted.store, snapshot)
            if step % 50 == 49 {
                let reopened = try DeployerStore(path: counted.folder.appendingPathComponent("state.sqlite").path)
                try Self.expectRecovered(reopened, snapshot)
            }
        }
    }

    /// The driver's path: each step writes only the clients the engine touched since it was last stored. Random
    /// engine runs (the randomized suite's events), some steps refused by the database: after every step that
    /// committed, the rows read back are the engine's whole snapshot, and a step after refused ones writes what
    /// they changed too.
    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func stepsThatWriteOnlyTouchedClientsLeaveTheWholeSnapshot(seed: UInt64) throws {
        let counted = try CountedStore()
        defer { counted.remove() }
        var random = SplitMix64(seed: seed)
        var settings = DeployerSettings.test(instances: Int.random(in: 1...4, using: &random))
        settings.keepStandby = Bool.random(using: &random)
        var run = RandomRun(fleet: Fleet(settings))
        run.fleet.autopilot = false
        try counted.store.record([], snapshot: run.fleet.engine.snapshot)
        run.fleet.engine.markStored()
        var refused = 0
        for step in 0..<300 {
            run.randomStep(using: &random)
            let refuses = Int.random(in: 0..<10, using: &random) == 0
            try counted.store.refuseWrites(refuses)
            do {
                try counted.store.record(steps: [], of: run.fleet.engine, at: run.fleet.now)
                run.fleet.engine.markStored()
            } catch {
                #expect(refuses, "seed \(seed) step \(step): \(error)")
                refused += 1
                continue
            }
            let snapshot = run.fleet.engine.snapshot
            let recovered = try counted.store.recover(goodTags: [])
            #expect(Self.sameAsStored(recovered.clients, snapshot.clients),
                    "seed \(seed) step \(step): \(recovered.clients) against \(snapshot.clients)")
            #expect(recovered.epochs == snapshot.epochs)
            #expect(recovered.launches == snapshot.launches)
            #expect(recovered.restarts == snapshot.restarts)
            #expect(recovered.haltReason == snapshot.haltReason)
        }
        #expect(refused > 0, "seed \(seed): no step was refused, the retry path went untested")
    }

    /// Whether the recovered records are the engine's, `since` to the millisecond (as the store keeps dates), and
    /// without a process identity (which `launch_records` keeps, not the store).
    static func sameAsStored(_ recovered: [ClientRecord], _ engine: [ClientRecord]) -> Bool {
        let engines = Dictionary(engine.map { ($0.client, $0) }, uniquingKeysWith: { first, _ in first })
        return recovered.count == engine.count && recovered.allSatisfy { client in
            guard var other = engines[client.client], abs(other.since.timeIntervalSince(client.since)) < 0.001,
                  client.pid == nil, client.startTime == nil
            else { return false }
            other.since = client.since
            other.pid = nil
            other.startTime = nil
            return other == client
        }
    }

    @Test func datesAreWrittenInGRDBsTextWithoutAFormatter() throws {
        let reference = DateFormatter()
        reference.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        reference.locale = Locale(identifier: "en_US_POSIX")
        reference.timeZone = TimeZone(secondsFromGMT: 0)
        var dates = [
            0, 0.0005, 0.999, 951_782_400, 951_868_799.999, 1_709_251_199.9999, 4_107_542_400, 253_402_300_799.999,
            1_800_000_000.25,
        ].map(Date.init(timeIntervalSince1970:))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator)))
        }
        for date in dates {
            #expect(StoredDate.text(date) == reference.string(from: date), "\(date.timeIntervalSince1970)")
        }
    }

    @Test func theTrailIsReadAfterARowId() throws {
        let store = try DeployerStore.inMemory()
        let record = DeploymentRecord(id: 1, request: DeploymentRequest(ref: "main", trigger: .cli), at: Date())
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        let entries = (0..<5).map { AuditEntry(deployment: 1, time: time, kind: "step.\($0)", detail: ["n": "\($0)"]) }
        try store.record([.recordDeployment(record)] + entries.prefix(3).map(DeployerAction.audit),
                         snapshot: Self.snapshot([], epochs: [:]))
        try store.record([.audit(AuditEntry(deployment: nil, time: time, kind: "outside"))],
                         snapshot: Self.snapshot([], epochs: [:]))
        try store.record(entries.suffix(2).map(DeployerAction.audit), snapshot: Self.snapshot([], epochs: [:]))

        let all = try store.events(deployment: 1, after: 0)
        #expect(all.map(\.entry) == entries)
        #expect(all.map(\.id) == all.map(\.id).sorted())
        #expect(try store.events(deployment: 1, after: all[2].id).map(\.entry) == Array(entries.suffix(2)))
        #expect(try store.events(deployment: 1, after: all[4].id).isEmpty)
        #expect(try store.events(deployment: 1) == entries)
    }

    /// The daemon runs for months and the trail only grows: each connection's page cache is bounded (SQLite's
    /// default, 2 MiB per connection, was reached by a 50-instance soak and counted as the daemon's growth).
    @Test func everyConnectionHasABoundedPageCache() async throws {
        let counted = try CountedStore()
        defer { try? FileManager.default.removeItem(at: counted.folder) }
        let pool = try #require(counted.store.database as? DatabasePool)
        let expected = -DeployerStore.pageCacheKiB
        #expect(try await pool.write { try Int.fetchOne($0, sql: "PRAGMA cache_size") } == expected)
        // Readers open on demand: hold several at once to see each one's setting.
        try await withThrowingTaskGroup(of: Int?.self) { group in
            for _ in 0..<DeployerStore.readerConnections {
                group.addTask { try await pool.read { try Int.fetchOne($0, sql: "PRAGMA cache_size") } }
            }
            for try await size in group { #expect(size == expected) }
        }
        #expect(pool.configuration.maximumReaderCount == DeployerStore.readerConnections)
    }
}
