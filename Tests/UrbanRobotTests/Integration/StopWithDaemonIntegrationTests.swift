import Deployer
import Foundation
import Testing
@testable import UrbanRobot

/// `[bot] stop_with_daemon = true` with the real parts: real bot processes (`bot.py --simulate`), the real channel
/// on 127.0.0.1, the real state folder.
@Suite("Integration: stop_with_daemon", .serialized)
struct StopWithDaemonIntegrationTests {
    @Test("a graceful shutdown stops every bot; a new daemon starts the fleet again on the revision that was active, without a rollback")
    func gracefulShutdownStopsTheFleet() async throws {
        let (folder, repository, v1) = try await BotRepository.withHealthyFirstRevision()
        var pids: [Int32] = []
        defer {
            DaemonHarness.killBots(pids)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let stopWithDaemon: (inout Configuration) -> Void = { $0.bot.stopWithDaemon = true }

        let first = try await DaemonHarness(folder: folder, source: repository.url, instances: 2, adjust: stopWithDaemon)
        #expect(try await first.deploy(v1).outcome == .succeeded)
        let v2 = try await repository.commit("v2", simulate: nil)
        let deployed = try await first.deploy(v2)
        #expect(deployed.outcome == .succeeded, "\(deployed.reason ?? "")")
        let before = await first.daemon.status()
        #expect(before.revision?.rawValue == v2)
        pids += await first.pids()
        #expect(pids.count == 2)
        try await first.shutdown()
        let gone = try await first.poll("every bot to be gone", timeout: .seconds(60)) {
            pids.allSatisfy { !FileManager.default.fileExists(atPath: "/proc/\($0)") } ? true : nil
        }
        #expect(gone)
        let history = try await first.daemon.history(limit: 10)

        let second = try await DaemonHarness(folder: folder, source: repository.url, instances: 2, adjust: stopWithDaemon)
        let restarted = try await second.poll("the fleet to be back on v2", timeout: .seconds(90)) {
            let status = await second.daemon.status()
            let serving = status.instances.allSatisfy { instance in
                guard let active = instance.active, let pid = active.pid else { return false }
                return active.revision.rawValue == v2 && active.state == "serving" && !pids.contains(pid)
            }
            return serving && second.daemon.channelSessionCount == 2 ? status : nil
        }
        pids += await second.pids()
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

        let secondPids = await second.pids()
        try await second.shutdown()
        _ = try await second.poll("the second fleet to be gone", timeout: .seconds(60)) {
            secondPids.allSatisfy { !FileManager.default.fileExists(atPath: "/proc/\($0)") } ? true : nil
        }
    }

    @Test("a graceful shutdown during a bake stops the canary and the standby too; a new daemon rolls the interrupted deployment back and serves the last good revision")
    func gracefulShutdownDuringABakeStopsStandbysToo() async throws {
        let (folder, repository, v1) = try await BotRepository.withHealthyFirstRevision()
        var pids: [Int32] = []
        defer {
            DaemonHarness.killBots(pids)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let adjust: (inout Configuration) -> Void = {
            $0.bot.stopWithDaemon = true
            $0.rollout.bake = .seconds(15)
        }

        let first = try await DaemonHarness(folder: folder, source: repository.url, instances: 2, adjust: adjust)
        #expect(try await first.deploy(v1).outcome == .succeeded)
        let v2 = try await repository.commit("v2", simulate: nil)
        let id = try await first.daemon.requestDeployment(DeploymentRequest(ref: v2, trigger: .cli, who: "test"))
        let baking = try await first.poll("the canary to bake beside its standby", timeout: .seconds(90)) {
            let status = await first.daemon.status()
            return status.instances.contains { $0.standby?.revision.rawValue == v1 && $0.active?.revision.rawValue == v2 }
                ? status : nil
        }
        pids += await first.pids()
        #expect(pids.count == 3, "\(baking.instances)")
        try await first.shutdown()
        _ = try await first.poll("every bot, the standby too, to be gone", timeout: .seconds(60)) {
            pids.allSatisfy { !FileManager.default.fileExists(atPath: "/proc/\($0)") } ? true : nil
        }

        let second = try await DaemonHarness(folder: folder, source: repository.url, instances: 2, adjust: adjust)
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
        pids += await second.pids()
        #expect(restarted.revision?.rawValue == v1)
        try await second.shutdown()
    }
}
