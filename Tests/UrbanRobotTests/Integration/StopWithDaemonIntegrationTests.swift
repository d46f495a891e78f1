import AdminAPI
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// `[bot] stop_with_daemon = true` with the real parts: real bot processes (`bot.py --simulate`), the real channel
/// on 127.0.0.1, the real state folder.
@Suite("Integration: stop_with_daemon", .serialized)
struct StopWithDaemonIntegrationTests {
    @Test("a graceful shutdown stops every bot; a new daemon starts the fleet again on the revision that was active, without a rollback")
    func gracefulShutdownStopsTheFleet() async throws {
        try await Scenario.run { scenario in
            let stopWithDaemon: (inout Configuration) -> Void = { $0.bot.stopWithDaemon = true }
            let (before, pids, history) = try await scenario.withDaemon(instances: 2, adjust: stopWithDaemon) { first async throws -> (StatusSnapshot, [Int32], [HistoryEntry]) in
                #expect(try await first.deploy(scenario.v1).outcome == .succeeded)
                let v2 = try await scenario.repository.commit("v2", simulate: nil)
                let deployed = try await first.deploy(v2)
                #expect(deployed.outcome == .succeeded, "\(deployed.reason ?? "")")
                let before = await first.daemon.status()
                #expect(before.revision?.rawValue == v2)
                let pids = await first.pids()
                #expect(pids.count == 2)
                return (before, pids, try await first.daemon.history(limit: 10))
            }
            try await Self.waitUntilGone(pids, "every bot")
            let v2 = try #require(before.revision?.rawValue)

            let secondPids = try await scenario.withDaemon(instances: 2, adjust: stopWithDaemon) { second async throws -> [Int32] in
                let restarted = try await second.poll("the fleet to be back on v2", timeout: .seconds(90)) {
                    let status = await second.daemon.status()
                    let serving = status.instances.allSatisfy { instance in
                        guard let active = instance.active, let pid = active.pid else { return false }
                        return active.revision.rawValue == v2 && active.state == "serving" && !pids.contains(pid)
                    }
                    return serving && second.daemon.channelSessionCount == 2 ? status : nil
                }
                #expect(restarted.revision?.rawValue == v2)
                #expect(restarted.state == .idle)
                for instance in restarted.instances {
                    #expect(instance.active?.client != before.instances[instance.instance].active?.client)
                    if let pid = instance.active?.pid {
                        let environment = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
                        #expect(String(decoding: environment, as: UTF8.self).contains("URBAN_ROBOT_REVISION=\(v2)"))
                    }
                }
                // The stop was no failure: no deployment was added (no rollback), the last one still succeeded.
                #expect(try await second.daemon.history(limit: 10) == history)
                return await second.pids()
            }
            try await Self.waitUntilGone(secondPids, "the second fleet")
        }
    }

    @Test("a graceful shutdown during a bake stops the canary and the standby too; a new daemon rolls the interrupted deployment back and serves the last good revision")
    func gracefulShutdownDuringABakeStopsStandbysToo() async throws {
        try await Scenario.run { scenario in
            let v1 = scenario.v1
            let adjust: (inout Configuration) -> Void = {
                $0.bot.stopWithDaemon = true
                $0.rollout.bake = .seconds(15)
            }
            let (id, pids) = try await scenario.withDaemon(instances: 2, adjust: adjust) { first async throws -> (Int, [Int32]) in
                #expect(try await first.deploy(v1).outcome == .succeeded)
                let v2 = try await scenario.repository.commit("v2", simulate: nil)
                let id = try await first.daemon.requestDeployment(DeploymentRequest(ref: v2, trigger: .cli, who: "test"))
                let baking = try await first.poll("the canary to bake beside its standby", timeout: .seconds(90)) {
                    let status = await first.daemon.status()
                    return status.instances.contains { $0.standby?.revision.rawValue == v1 && $0.active?.revision.rawValue == v2 }
                        ? status : nil
                }
                let pids = await first.pids()
                #expect(pids.count == 3, "\(baking.instances)")
                return (id, pids)
            }
            try await Self.waitUntilGone(pids, "every bot, the standby too,")

            try await scenario.withDaemon(instances: 2, adjust: adjust) { second in
                let entry = try await second.waitForOutcome(of: id, timeout: .seconds(120))
                #expect(entry.outcome == .rolledBack, "\(entry.reason ?? "")")
                let restarted = try await second.poll("the fleet to serve v1 again", timeout: .seconds(120)) {
                    let status = await second.daemon.status()
                    let serving = status.instances.allSatisfy { instance in
                        guard let active = instance.active, let pid = active.pid else { return false }
                        return active.revision.rawValue == v1 && active.state == "serving" && !pids.contains(pid)
                    }
                    return serving && status.state == .idle ? status : nil
                }
                #expect(restarted.revision?.rawValue == v1)
            }
        }
    }

    /// Waits until none of `pids` runs.
    private static func waitUntilGone(_ pids: [Int32], _ what: String) async throws {
        _ = try await DaemonHarness.poll("\(what) to be gone (\(pids))", timeout: .seconds(60)) {
            pids.allSatisfy { !FileManager.default.fileExists(atPath: "/proc/\($0)") } ? true : nil
        }
    }
}
