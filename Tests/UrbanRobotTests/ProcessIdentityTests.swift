@testable import Deployer
import FleetTypes
import Foundation
import Supervisor
import Testing
@testable import FleetDaemon

/// A client's pid and start time live in the launcher's record (`launch_records`) only; a restarted daemon puts
/// them on the clients the engine recovers from its `clients` table.
@Suite struct ProcessIdentityTests {
    @Test("the recovered clients get the pid and start ticks of their launch records; a client without one gets none")
    func recoveredFromLaunchRecords() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try DeployerStore(path: folder.appendingPathComponent("state.sqlite").path)
        let records = try LaunchRecordStore(database: store.writer)
        let processes = RunningProcesses(records: records, logs: ClientLogPolicy(secrets: [], keys: DerivedKeySource(secret: "s")))
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        func client(_ instance: Int) -> ClientRecord {
            ClientRecord(
                instance: instance, client: ClientID(rawValue: "shard-\(instance).1"), revision: Revision("abc"),
                role: .active, pid: nil, startTime: nil, epoch: 1, keyHash: KeyHash(key: "key-\(instance)"), since: since)
        }
        try store.record([], snapshot: EngineSnapshot(
            clients: [client(0), client(1)], epochs: [0: 1, 1: 1], launches: [0: 1, 1: 1], haltReason: nil,
            deployment: nil))
        let record = LaunchRecord(
            pid: 4242, processGroup: 4242, startTicks: 987_654, bootID: "boot", clientID: "shard-0.1", revision: "abc",
            logPath: "/dev/null", launchedAt: 0)
        try await records.save(try records.rows(for: record))

        let recovered = try processes.withProcessIdentities(try store.recover(goodTags: []))

        #expect(recovered.clients.map(\.client.rawValue) == ["shard-0.1", "shard-1.1"])
        #expect(recovered.clients[0].pid == 4242 && recovered.clients[0].startTime == 987_654)
        #expect(recovered.clients[1].pid == nil && recovered.clients[1].startTime == nil)
    }
}
