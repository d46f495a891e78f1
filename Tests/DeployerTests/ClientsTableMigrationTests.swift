@testable import Deployer
import FleetTypes
import Foundation
import GRDB
import Testing

/// The `clients` table without the process identity (pid, start time), which the daemon's `launch_records` own,
/// and a database of the layout before that still opening.
@Suite struct ClientsTableMigrationTests {
    /// The columns of `clients` since migration v4.
    static let columnsNow: Set<String> = ["client", "instance", "revision", "role", "epoch", "key_hash", "since"]

    /// Runs `body` with the path of a database file in a fresh folder, removed afterwards.
    static func withDatabasePath(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clients-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder.appendingPathComponent("state.sqlite").path)
    }

    static func columns(ofClientsIn path: String) throws -> Set<String> {
        try DatabaseQueue(path: path).read { db in Set(try db.columns(in: "clients").map(\.name)) }
    }

    @Test("a launched client's row has no pid or start time; it is recovered with none")
    func noProcessIdentityStored() throws {
        try Self.withDatabasePath { path in
            let store = try DeployerStore(path: path)
            let client = StoreTests.client(0, 1)
            #expect(client.pid != nil && client.startTime != nil)
            try store.record([], snapshot: StoreTests.snapshot([client], epochs: [0: 1]))

            #expect(try Self.columns(ofClientsIn: path) == Self.columnsNow)
            let recovered = try #require(try store.recover(goodTags: []).clients.first)
            #expect(recovered.client == client.client && recovered.epoch == client.epoch && recovered.keyHash == client.keyHash)
            #expect(recovered.pid == nil && recovered.startTime == nil)
        }
    }

    @Test("a database of the old layout (pid and start_time in clients) opens: the columns go, the clients stay")
    func oldLayoutOpens() throws {
        try Self.withDatabasePath { path in
            let old = try DatabaseQueue(path: path)
            try DeployerStore.migrator.migrate(old, upTo: "v3: restart counters")
            try old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO clients (client, instance, revision, role, pid, start_time, epoch, key_hash, since)
                        VALUES ('shard-2.7', 2, ?, 'active', 4242, 99, 3, ?, ?)
                        """,
                    arguments: [String(repeating: "a", count: 40), Data(repeating: 7, count: 32),
                                Date(timeIntervalSince1970: 1_800_000_000)])
                try db.execute(sql: "INSERT INTO instance_epochs (instance, epoch, launches, restarts) VALUES (2, 3, 7, 1)")
            }
            try old.close()
            #expect(try Self.columns(ofClientsIn: path).isSuperset(of: ["pid", "start_time"]))

            let recovered = try DeployerStore(path: path).recover(goodTags: [])

            #expect(try Self.columns(ofClientsIn: path) == Self.columnsNow)
            let client = try #require(recovered.clients.first)
            #expect(recovered.clients.count == 1)
            #expect(client.client == ClientID(rawValue: "shard-2.7") && client.instance == 2 && client.role == .active)
            #expect(client.revision == Revision(String(repeating: "a", count: 40)) && client.epoch == 3)
            #expect(client.pid == nil && client.startTime == nil)
            #expect(recovered.epochs == [2: 3] && recovered.launches == [2: 7] && recovered.restarts == [2: 1])
        }
    }
}
