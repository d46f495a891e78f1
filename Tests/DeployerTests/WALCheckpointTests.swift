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
        let folder = try Self.makeFolder()
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

    /// Rounds of commits with the writer idle between them, as rollouts come: after each the log is checkpointed
    /// to its end and the next round writes it from its beginning again, so that its file keeps the size of one
    /// round, instead of growing by every round (334 MB after 15 rollouts at 200 shards, when only every 64th
    /// commit asked for a checkpoint and the writer was always ahead of it).
    @Test func onceTheWriterIsIdleTheLogIsCheckpointedAndStartsOver() async throws {
        let folder = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        let store = try DeployerStore(path: path)
        let checkpointer = try #require(store.checkpointer)
        let detail = ["reason": String(repeating: "a long reason ", count: 40)]
        let commitsPerRound = 2 * WALCheckpointer.commitsPerCheckpoint + 5
        var sizes: [Int] = []
        for round in 0..<5 {
            let restartsBefore = checkpointer.restartedLogs
            for step in 0..<commitsPerRound {
                let audit = (0..<32).map { AuditEntry(deployment: nil, time: Date(), kind: "r\(round).\(step).\($0)", detail: detail) }
                try store.record(audit.map(DeployerAction.audit), snapshot: EngineSnapshot(clients: [], epochs: [:]))
            }
            sizes.append(try Self.size(of: path + "-wal"))
            let deadline = ContinuousClock.now + .seconds(60)
            while checkpointer.restartedLogs == restartsBefore && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(checkpointer.restartedLogs == restartsBefore + 1, "round \(round): one idle checkpoint")
        }
        // Each round writes the same: once started over, the log's file holds one round, with some slack for a
        // round that began while the last checkpoint of the one before was still copying.
        #expect(sizes[0] > 2 * 1024 * 1024, "a round writes megabytes to the log: \(sizes[0]) bytes")
        #expect(sizes.allSatisfy { $0 <= sizes[0] * 3 / 2 }, "the log's file after each round: \(sizes) bytes")
        #expect(try store.events(deployment: nil).count == 5 * commitsPerRound * 32, "nothing lost")
    }

    @Test func aStoreInMemoryHasNoCheckpointer() throws {
        #expect(try DeployerStore.inMemory().checkpointer == nil)
    }


    /// A new empty folder for a state database (the caller removes it).
    private static func makeFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private static func size(of path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }
}
