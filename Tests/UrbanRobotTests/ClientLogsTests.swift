@testable import AdminAPI
import Foundation
import Testing

@Suite("Client logs", .serialized)
struct ClientLogsTests {
    /// A state folder with logs of instance 0 written in order: shard-0.1, then unmanaged-0.2, then shard-0.3.
    private func makeState() throws -> (String, ClientLogs) {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("urban-robot-client-logs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(state)/logs/0", withIntermediateDirectories: true)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        for (index, name) in ["shard-0.1", "unmanaged-0.2", "shard-0.3", "notes"].enumerated() {
            let path = "\(state)/logs/0/\(name).log"
            try Data((1...5).map { "\(name) line \($0)\n" }.joined().utf8).write(to: URL(fileURLWithPath: path))
            let written = name == "notes" ? base.addingTimeInterval(100) : base.addingTimeInterval(Double(index))
            try FileManager.default.setAttributes([.modificationDate: written], ofItemAtPath: path)
        }
        return (state, ClientLogs(stateDirectory: state, instances: 2))
    }

    @Test("client ids are those of the instance only")
    func clientIDs() {
        #expect(ClientLogs.isClient("shard-0.3", of: 0))
        #expect(ClientLogs.isClient("unmanaged-1.12", of: 1))
        for name in ["shard-1.3", "shard-0.", "shard-0.3.log", "shard-0.3/../x", "../shard-0.3", "shard-0.-1", "shard-0.٣", "", "shard-10.3"] {
            #expect(!ClientLogs.isClient(name, of: 0), "\(name)")
        }
    }

    @Test("a path is made only from an instance of the fleet and a client of it")
    func paths() async throws {
        let (state, logs) = try makeState()
        defer { try? FileManager.default.removeItem(atPath: state) }
        do {
            #expect(try logs.path(instance: 0, client: "shard-0.3") == "\(state)/logs/0/shard-0.3.log")
            #expect(throws: DaemonControlError(code: .invalid, message: "'../../../../var/log/dpkg' is not a client of instance 0; client ids look like shard-0.3 (see `urban-robot status`)")) {
                try logs.path(instance: 0, client: "../../../../var/log/dpkg")
            }
            #expect(throws: DaemonControlError.self) { try logs.path(instance: 2, client: "shard-2.1") }
            #expect(throws: DaemonControlError.self) { try logs.newestPath(instance: 1) }
        }
    }

    @Test("without a client the newest log of the instance is read (files that are no client's are skipped)")
    func newest() async throws {
        let (state, logs) = try makeState()
        defer { try? FileManager.default.removeItem(atPath: state) }
        do {
            #expect(try logs.newestPath(instance: 0) == "\(state)/logs/0/shard-0.3.log")
            var text = ""
            try await logs.read(instance: 0, client: nil, lines: 2, follow: false) { text += String(decoding: $0, as: UTF8.self) }
            #expect(text == "shard-0.3 line 4\nshard-0.3 line 5\n")
            text = ""
            try await logs.read(instance: 0, client: "shard-0.1", lines: 1, follow: false) { text += String(decoding: $0, as: UTF8.self) }
            #expect(text == "shard-0.1 line 5\n")
        }
    }
}
