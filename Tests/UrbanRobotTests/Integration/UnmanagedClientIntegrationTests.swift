import AdminAPI
import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import TestSupport
import Testing

/// A bot started by hand (no launch credentials) under `allow_unmanaged`, from loopback.
@Suite("Integration: unmanaged client", .serialized)
struct UnmanagedClientIntegrationTests {
    @Test("an unmanaged loopback client is gated and takes over instance 0; the previous active is shut down")
    func unmanagedClientTakesOverInstanceZero() async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 1, allowUnmanaged: true) { harness in
                let (repository, v1) = (scenario.repository, scenario.v1)
                #expect(try await harness.deploy(v1).outcome == .succeeded)
                let managed = try #require(await harness.daemon.status().instances.first?.active)

                let port = await harness.daemon.channelPort
                let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("URBAN_ROBOT_") }
                    .merging(["URBAN_ROBOT_URL": "http://127.0.0.1:\(port)"]) { $1 }
                try await BackgroundProcess.run(
                    ["python3", "bot.py", "--simulate"], in: repository.workingCopy, environment: environment
                ) { _ in
                    let takenOver = try await harness.poll("the unmanaged client to take over instance 0", timeout: .seconds(60)) {
                        let active = await harness.daemon.status().instances.first?.active
                        return active?.client.rawValue.hasPrefix("unmanaged-0.") == true ? active : nil
                    }
                    #expect(takenOver.pid == nil)
                    _ = try await harness.poll("the managed client to exit", timeout: .seconds(30)) {
                        kill(managed.pid ?? 0, 0) != 0 ? true : nil
                    }
                    // The process's exit comes first; its session ends when the channel reads the socket's end.
                    _ = try await harness.poll("the managed client's session to end, the unmanaged one's alone left", timeout: .seconds(30)) {
                        harness.daemon.channelSessionCount == 1 ? true : nil
                    }
                }
            }
        }
    }
}
