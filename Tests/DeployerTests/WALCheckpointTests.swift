@testable import Deployer
import FleetTypes
import Foundation
import GRDB
import TestSupport
import Testing

/// The engine's writer, which commits on the driver's thread, never checkpoints the log there (a checkpoint held
/// the driver for 6-18 ms); the store's checkpointer moves the log's pages into the database from its own
/// connection and thread.
@Suite struct WALCheckpointTests {
    @Test func theWriterLeavesCheckpointsToTheCheckpointer() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let store = try DeployerStore(path: path)
        let pool = try #require(store.database as? DatabasePool)
        #expect(try await pool.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } == 0)
        let checkpointer = try #require(store.checkpointer)
        let databaseBefore = try Self.size(of: path)

        let detail = ["reason": String(repeating: "a long reason ", count: 40)]
        let steps = 3 * WALCheckpointer.commitsPerCheckpoint
        for step in 0..<steps {
            let entries = (0..<8).map { AuditEntry(deployment: nil, time: Date(), kind: "step.\(step).\($0)", detail: detail) }
            try store.record(entries.map(DeployerAction.audit), snapshot: EngineSnapshot(clients: [], epochs: [:]))
        }
        let deadline = ContinuousClock.now + .seconds(60)
        // Requests that come while a checkpoint runs make one more, not one each: at least one ran.
        while try checkpointer.completedCheckpoints == 0 || Self.size(of: path) <= databaseBefore + 64 * 1024,
              ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(checkpointer.completedCheckpoints >= 1)
        #expect(try Self.size(of: path) > databaseBefore + 64 * 1024, "the log's pages moved into the database")
        #expect(try store.events(deployment: nil).count == steps * 8)
        withExtendedLifetime(store) {
            #expect(processThreadNames().contains("urban-wal-ckpt"), "its thread shows under its name")
        }
    }

    @Test func aStoreInMemoryHasNoCheckpointer() throws {
        #expect(try DeployerStore.inMemory().checkpointer == nil)
    }


    private static func size(of path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }
}
