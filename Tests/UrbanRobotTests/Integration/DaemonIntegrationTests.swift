import Deployer
import Foundation
import Testing
@testable import UrbanRobot

/// The daemon with the real parts: a bare repository made here, real bot processes (`bot.py --simulate`), the real
/// channel on 127.0.0.1, the real release store and state.
@Suite("Integration: daemon", .serialized)
struct DaemonIntegrationTests {
    @Test("a good deploy reaches every instance and is tagged good; a revision failing its health check is rolled back while every instance keeps an active client")
    func goodDeployThenHealthFailureRollback() async throws {
        let notifications = WebhookReceiver()
        try await notifications.withServer { notifyURL in
            try await goodDeployThenHealthFailureRollback(notifyURL: notifyURL, notifications: notifications)
        }
    }

    private func goodDeployThenHealthFailureRollback(notifyURL: String, notifications: WebhookReceiver) async throws {
        let (folder, repository, v1) = try await BotRepository.withHealthyFirstRevision()
        let harness = try await DaemonHarness(folder: folder, source: repository.url, instances: 3, notifyURL: notifyURL)
        var pids: [Int32] = []
        defer {
            DaemonHarness.killBots(pids)
            try? FileManager.default.removeItem(atPath: folder)
        }

        let first = try await harness.deploy("main")
        pids += await harness.pids()
        #expect(first.outcome == .succeeded, "\(first.reason ?? "")")
        let afterFirst = await harness.daemon.status()
        #expect(afterFirst.revision?.rawValue == v1)
        #expect(afterFirst.instances.allSatisfy { $0.active?.revision.rawValue == v1 && $0.standby == nil })
        // The driver stores the finished step before it performs the step's actions, the good tag among them.
        _ = try await harness.poll("the good tag on v1", timeout: .seconds(30)) {
            let tags = try await BotRepository.git(
                ["tag", "--list", "good/*", "--points-at", v1], in: "\(harness.configuration.state.directory)/repo.git")
            return tags.isEmpty ? nil : tags
        }

        let v2 = try await repository.commit("v2 unhealthy", simulate: #"{"health": "fail"}"#)
        #expect(try await harness.daemon.fetchBranchTip() == v2)
        let id = try await harness.daemon.requestDeployment(DeploymentRequest(ref: v2, trigger: .cli, who: "test"))
        async let followed = Self.collect(try await harness.daemon.progress(deployment: id, follow: true))
        var samples = 0
        var gaps: [String] = []
        while try await harness.daemon.deployment(id: id)?.outcome.isTerminal != true {
            for instance in await harness.daemon.status().instances where instance.active == nil {
                gaps.append("instance \(instance.instance) had no active client")
            }
            samples += 1
            try await Task.sleep(for: .milliseconds(20))
        }
        pids += await harness.pids()
        let second = try #require(try await harness.daemon.deployment(id: id))
        #expect(second.outcome == .rolledBack, "\(second.reason ?? "")")
        #expect(samples > 10)
        let live = try await followed
        #expect(live.last?.kind == "finished" && live.last?.detail["outcome"] == "rolled-back", "\(live.suffix(3))")
        #expect(live.contains { $0.kind == "deployment.started" } && live.contains { $0.kind == "gate.failed" })
        #expect(live.filter { $0.kind == "finished" }.count == 1)
        let stored = try await Self.collect(try await harness.daemon.progress(deployment: id, follow: false))
        #expect(stored.map(\.kind) == live.map(\.kind))
        #expect(gaps.isEmpty, "\(gaps.prefix(5))")
        let afterSecond = await harness.daemon.status()
        #expect(afterSecond.revision?.rawValue == v1)
        for instance in afterSecond.instances {
            let active = try #require(instance.active)
            #expect(active.client == afterFirst.instances[instance.instance].active?.client)
            let log = try harness.log(instance: instance.instance, client: active.client.rawValue)
            let states = log.split(separator: "\n").filter { $0.contains("processing commands") || $0.contains("in coma") }
            #expect(states.last?.contains("processing commands") == true, "instance \(instance.instance): \(states)")
            #expect(log.contains("got the token") && !log.contains(DaemonHarness.token))
        }
        let activeLog = try await harness.daemon.logFile(instance: 0, client: nil)
        #expect(try String(contentsOfFile: activeLog, encoding: .utf8).contains("processing commands"))
        await #expect(throws: DaemonControlError.self) { _ = try await harness.daemon.logFile(instance: 3, client: nil) }

        // The generic webhook heard the story: started, canary passed, succeeded; then started, rolled back.
        let expected = [
            "\(first.id) deploy_started", "\(first.id) canary_passed", "\(first.id) succeeded",
            "\(id) deploy_started", "\(id) rolled_back",
        ]
        let heard = try await harness.poll("the five notifications", timeout: .seconds(30)) { () -> [String]? in
            let events = notifications.receivedObjects.map { "\($0["deployment"] as? Int ?? -1) \($0["event"] as? String ?? "?")" }
            return events.count >= expected.count ? events : nil
        }
        #expect(heard == expected)
        let rolledBack = notifications.receivedObjects.last
        let commits = rolledBack?["commits"] as? [[String: Any]] ?? []
        #expect(commits.map { $0["subject"] as? String } == ["v2 unhealthy"], "the rollback names what it took back")
        try await harness.shutdown()
    }

    @Test("a revision that crashes 1 s after promotion is caught in the bake and rolled back")
    func crashAfterPromotionRollsBack() async throws {
        let (folder, repository, v1) = try await BotRepository.withHealthyFirstRevision()
        let harness = try await DaemonHarness(folder: folder, source: repository.url, instances: 2)
        var pids: [Int32] = []
        defer {
            DaemonHarness.killBots(pids)
            try? FileManager.default.removeItem(atPath: folder)
        }

        #expect(try await harness.deploy(v1).outcome == .succeeded)
        pids += await harness.pids()
        let v3 = try await repository.commit("v3 crashes", simulate: #"{"crash_after_promotion": 1.0}"#)
        let crashed = try await harness.deploy(v3)
        pids += await harness.pids()
        #expect(crashed.outcome == .rolledBack, "\(crashed.reason ?? "")")
        let status = await harness.daemon.status()
        #expect(status.revision?.rawValue == v1)
        #expect(status.instances.allSatisfy { $0.active?.revision.rawValue == v1 && $0.standby == nil && $0.candidate == nil })
        let refused = await #expect(throws: DaemonControlError.self) {
            _ = try await harness.daemon.requestDeployment(DeploymentRequest(ref: v3, trigger: .push))
        }
        #expect(refused?.code == .refused)
        let idle = await #expect(throws: DaemonControlError.self) { try await harness.daemon.perform(.promote) }
        #expect(idle?.code == .refused)
        try await harness.shutdown()
    }

    @Test("a graceful shutdown leaves the bots running; a new daemon re-admits them and can still deploy; the token stays out of the state folder and the children's environments")
    func restartReadmitsRunningBots() async throws {
        let (folder, repository, v1) = try await BotRepository.withHealthyFirstRevision()
        var pids: [Int32] = []
        defer {
            DaemonHarness.killBots(pids)
            try? FileManager.default.removeItem(atPath: folder)
        }

        let first = try await DaemonHarness(folder: folder, source: repository.url, instances: 2)
        #expect(try await first.deploy(v1).outcome == .succeeded)
        let before = await first.daemon.status()
        pids += await first.pids()
        let port = await first.daemon.channelPort
        try await first.shutdown()
        for pid in pids { #expect(kill(pid, 0) == 0, "bot \(pid) did not survive the daemon") }

        let second = try await DaemonHarness(folder: folder, source: repository.url, instances: 2, port: port)
        let readmitted = try await second.poll("the bots to reconnect", timeout: .seconds(60)) {
            second.daemon.channelSessionCount == 2 ? await second.daemon.status() : nil
        }
        for instance in readmitted.instances {
            #expect(instance.active?.client == before.instances[instance.instance].active?.client)
            #expect(instance.active?.pid == before.instances[instance.instance].active?.pid)
        }
        let v2 = try await repository.commit("v2", simulate: nil)
        let deployed = try await second.deploy(v2)
        pids += await second.pids()
        #expect(deployed.outcome == .succeeded, "\(deployed.reason ?? "")")
        #expect(await second.daemon.status().revision?.rawValue == v2)

        try expectNoToken(inFolder: second.configuration.state.directory)
        for pid in await second.pids() {
            let environment = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
            #expect(!String(decoding: environment, as: UTF8.self).contains(DaemonHarness.token))
            #expect(String(decoding: environment, as: UTF8.self).contains("URBAN_ROBOT_KEY="))
        }
        try await second.shutdown()
    }

    private static func collect(_ stream: AsyncThrowingStream<ProgressEvent, any Error>) async throws -> [ProgressEvent] {
        var events: [ProgressEvent] = []
        for try await event in stream { events.append(event) }
        return events
    }

    private func expectNoToken(inFolder folder: String) throws {
        let token = Data(DaemonHarness.token.utf8)
        let enumerator = try #require(FileManager.default.enumerator(atPath: folder))
        var checked = 0
        while let name = enumerator.nextObject() as? String {
            let path = "\(folder)/\(name)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            checked += 1
            #expect(data.range(of: token) == nil, "the token is in \(path)")
        }
        #expect(checked > 5)
    }
}
