@testable import Deployer
import FleetTypes
import Foundation
import GRDB
import Testing

/// `CommitDurability`: the writer's `synchronous` setting, which GRDB sets to NORMAL when it turns WAL on.
@Suite struct CommitDurabilityTests {
    @Test(arguments: [(CommitDurability.survivesTheDaemon, 1), (.survivesTheMachine, 2)])
    func theWriterSyncsAsAsked(durability: CommitDurability, synchronous: Int) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        do {
            let store = try DeployerStore(path: path, durability: durability)
            let pool = try #require(store.database as? DatabasePool)
            #expect(try await pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == synchronous)
            #expect(try await pool.write { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
            let entry = AuditEntry(deployment: nil, time: Date(), kind: "durability.checked", detail: [:])
            try store.record([.audit(entry)], snapshot: EngineSnapshot(clients: [], epochs: [:]))
        }
        #expect(try DeployerStore(path: path).events(deployment: nil).map(\.kind) == ["durability.checked"])
    }
}
