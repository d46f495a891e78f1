@testable import AdminAPI
import Deployer
@testable import FleetDaemon
import Foundation
import Testing

/// The daemon's `logFile(instance:client:)`, which `GET /v1/logs/{instance}` reads: never a path outside the logs.
@Suite("Integration: log files", .serialized)
struct LogFileIntegrationTests {
    @Test("a client id that climbs out of the logs folder is refused, whatever exists there")
    func traversalIsRefused() async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 1) { harness in
                // <state>/logs/0/../../../outside.log is <folder>/outside.log.
                try "not a bot's log\n".write(toFile: "\(scenario.folder)/outside.log", atomically: true, encoding: .utf8)
                let refused = await #expect(throws: DaemonControlError.self) {
                    _ = try await harness.daemon.logFile(instance: 0, client: "../../../outside")
                }
                #expect(refused?.code == .invalid)
                await #expect(throws: DaemonControlError.self) { _ = try await harness.daemon.logFile(instance: 1, client: "shard-1.1") }
            }
        }
    }
}
