@testable import FleetOperator
import Foundation
import Synchronization
import Testing

@Suite("Status watcher", .serialized, .timeLimit(.minutes(2)))
struct StatusWatcherTests {
    @Test("on a terminal each table clears the screen and replaces the previous one, asking the daemon each time")
    func terminal() async throws {
        let control = TestDaemonControl()
        let output = TextOutput()
        try await AdminServerHarness.run(control: control) { server in
            try await StatusWatcher(client: server.client, terminal: true, interval: .milliseconds(50)) { output.write($0) }
                .run(count: 3)
        }
        let text = output.text.withLock { $0 }
        let screens = text.components(separatedBy: "\u{1B}[H\u{1B}[2J").dropFirst()
        #expect(screens.count == 3)
        #expect(screens.allSatisfy { $0.contains("state:      DEPLOYING") && $0.contains("shard-0.4") && $0.contains("ctrl-c to stop") })
        #expect(control.calls.filter { $0 == "status" }.count == 3)
    }

    @Test("without a terminal the tables follow each other, each under its time, without control characters")
    func plain() async throws {
        let output = TextOutput()
        try await AdminServerHarness.run { server in
            try await StatusWatcher(client: server.client, terminal: false, interval: .milliseconds(50)) { output.write($0) }
                .run(count: 2)
        }
        let text = output.text.withLock { $0 }
        #expect(!text.contains("\u{1B}"))
        let tables = text.components(separatedBy: "--- ").dropFirst()
        #expect(tables.count == 2)
        #expect(tables.allSatisfy { $0.contains("state:      DEPLOYING") })
    }

    @Test("a watch ends when its task is cancelled")
    func cancelled() async throws {
        try await AdminServerHarness.run { server in
            let watching = Task { try await StatusWatcher(client: server.client, terminal: false, interval: .seconds(60)) { _ in }.run() }
            try await Task.sleep(for: .milliseconds(200))
            watching.cancel()
            await #expect(throws: CancellationError.self) { try await watching.value }
        }
    }
}
