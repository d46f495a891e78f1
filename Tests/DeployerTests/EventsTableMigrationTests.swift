@testable import Deployer
import Foundation
import GRDB
import Testing

/// The `events` table numbered by its rowid since migration v5 (it was `AUTOINCREMENT`, which wrote
/// `sqlite_sequence` with every event), and a database of the layout before that opening with its events and ids.
@Suite struct EventsTableMigrationTests {
    /// The `CREATE TABLE` statement of `events` in the database at `path`.
    static func eventsTableSQL(_ path: String) throws -> String? {
        try DatabaseQueue(path: path).read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'events'")
        }
    }

    @Test("a database of the AUTOINCREMENT layout opens with its events and their ids, and new events go on from the largest")
    func oldLayoutOpens() throws {
        try ClientsTableMigrationTests.withDatabasePath { path in
            let old = try DatabaseQueue(path: path)
            try DeployerStore.migrator.migrate(old, upTo: "v4: process identity in launch_records only")
            try old.write { db in
                try db.execute(sql: """
                    INSERT INTO deployments (id, "trigger", who, force, immediate, outcome, requested_at)
                    VALUES (1, 'cli', 'test', 0, 0, 'succeeded', '2026-12-07 00:00:00.000')
                    """)
                // Ids with a gap: kept as they are.
                for (id, kind) in [(1, "first"), (2, "second"), (7, "third")] {
                    try db.execute(
                        sql: "INSERT INTO events (id, deployment_id, time, kind, detail) VALUES (?, 1, ?, ?, '{}')",
                        arguments: [id, "2026-12-07 00:00:0\(id).000", kind])
                }
            }
            try old.close()
            #expect(try Self.eventsTableSQL(path)?.contains("AUTOINCREMENT") == true)

            let store = try DeployerStore(path: path)

            #expect(try Self.eventsTableSQL(path)?.contains("AUTOINCREMENT") == false)
            #expect(try store.events(deployment: 1, after: 0).map(\.id) == [1, 2, 7])
            #expect(try store.events(deployment: 1).map(\.kind) == ["first", "second", "third"])
            try store.record([.audit(AuditEntry(deployment: 1, time: Date(), kind: "fourth"))],
                             snapshot: StoreTests.snapshot([], epochs: [:]))
            #expect(try store.events(deployment: 1, after: 7).map(\.id) == [8])
            let indexes = try DatabaseQueue(path: path).read { db in try db.indexes(on: "events").map(\.name) }
            #expect(indexes == ["events_by_deployment"])
        }
    }

    @Test("a new database's events are numbered by their rowid, without sqlite_sequence")
    func newDatabase() throws {
        try ClientsTableMigrationTests.withDatabasePath { path in
            let store = try DeployerStore(path: path)
            try store.record((0..<3).map { .audit(AuditEntry(deployment: nil, time: Date(), kind: "e\($0)")) },
                             snapshot: StoreTests.snapshot([], epochs: [:]))
            #expect(try Self.eventsTableSQL(path)?.contains("AUTOINCREMENT") == false)
            let sequences = try DatabaseQueue(path: path).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_sequence WHERE name = 'events'")
            }
            #expect(sequences == 0)
            #expect(try store.events(deployment: nil).map(\.kind) == ["e0", "e1", "e2"])
        }
    }
}
