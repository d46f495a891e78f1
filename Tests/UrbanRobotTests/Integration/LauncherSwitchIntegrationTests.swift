import AdminAPI
import Deployer
import DockerEngine
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// `[launcher] kind` changed between two runs while the bots ran: the restarted daemon adopts the running bots with
/// a launcher of their kind (they keep serving, nothing is orphaned), and the next deployment hands them over to
/// clients of the configured kind.
@Suite("Integration: switching [launcher] kind", .serialized)
struct LauncherSwitchIntegrationTests {
    @Test("local processes, then kind = swarm: the process is re-admitted, and the next deployment replaces it by a Swarm service",
          .enabled("the private Docker engine runs (Scripts/docker-engine start)") { await SwarmFleet.engineSocket() != nil })
    func localToSwarm() async throws {
        let fleet = SwarmFleet(socket: try #require(await SwarmFleet.engineSocket()))
        try await fleet.run {
            try await Scenario.run { scenario in
                let (before, port) = try await scenario.withDaemon(instances: 1, adjust: { $0.bot.environment = [:] }) { first in
                    #expect(try await first.deploy(scenario.v1).outcome == .succeeded)
                    return (try #require(await first.daemon.status().instances.first?.active), await first.daemon.channelPort)
                }
                let pid = try #require(before.pid)

                try await scenario.withDaemon(instances: 1, port: port, adjust: fleet.configure) { second in
                    let readmitted = try await second.poll("the local bot to be re-admitted", timeout: .seconds(60)) {
                        await second.daemon.status().instances.first?.active.flatMap { $0.state == "serving" ? $0 : nil }
                    }
                    #expect(readmitted.client == before.client && readmitted.pid == pid)
                    #expect(try await fleet.services().isEmpty)

                    let v2 = try await scenario.repository.commit("v2", simulate: nil)
                    let deployed = try await second.deploy(v2, timeout: .seconds(300))
                    #expect(deployed.outcome == .succeeded, "\(deployed.reason ?? "")")
                    let active = try #require(await second.daemon.status().instances.first?.active)
                    #expect(active.revision.rawValue == v2 && active.client != before.client)
                    #expect(try await fleet.services().map { $0.spec.labels["urban-robot.client"] } == [active.client.rawValue])
                    _ = try await second.poll("the local process to be stopped", timeout: .seconds(30)) {
                        kill(pid, 0) != 0 ? true : nil
                    }
                }
            }
        }
    }
}
