@testable import AdminAPI
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import TestSupport
import Testing

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
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 3, notifyURL: notifyURL) { harness in
                try await goodDeployThenHealthFailureRollback(scenario, harness, notifications)
            }
        }
    }

    private func goodDeployThenHealthFailureRollback(
        _ scenario: Scenario, _ harness: DaemonHarness, _ notifications: WebhookReceiver
    ) async throws {
        let (repository, v1) = (scenario.repository, scenario.v1)
        let first = try await harness.deploy("main")
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
        let second = try await harness.waitForOutcome(of: id)
        #expect(second.outcome == .rolledBack, "\(second.reason ?? "")")
        // The candidate never took over: from its first client's start, no shard was ever without a client
        // processing commands, and never had two.
        let states = try scenario.botStates()
        let service = ServiceTimeline(states, until: ServiceTimeline.now())
        #expect(service.gaps.isEmpty && service.overlaps.isEmpty, "\(service.gaps) \(service.overlaps)")
        #expect(Set(states.filter { $0.state == .processing }.map(\.shard)) == [0, 1, 2])
        let live = try await followed
        #expect(live.last?.kind == "finished" && live.last?.detail["outcome"] == "rolled-back", "\(live.suffix(3))")
        #expect(live.contains { $0.kind == "deployment.started" } && live.contains { $0.kind == "gate.failed" })
        #expect(live.filter { $0.kind == "finished" }.count == 1)
        let stored = try await Self.collect(try await harness.daemon.progress(deployment: id, follow: false))
        #expect(stored.map(\.kind) == live.map(\.kind))
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
    }

    @Test("a revision that crashes 1 s after promotion is caught in the bake and rolled back")
    func crashAfterPromotionRollsBack() async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 2) { harness in
                try await crashAfterPromotionRollsBack(scenario, harness)
            }
        }
    }

    private func crashAfterPromotionRollsBack(_ scenario: Scenario, _ harness: DaemonHarness) async throws {
        let (repository, v1) = (scenario.repository, scenario.v1)
        #expect(try await harness.deploy(v1).outcome == .succeeded)
        let v3 = try await repository.commit("v3 crashes", simulate: #"{"crash_after_promotion": 1.0}"#)
        let crashed = try await harness.deploy(v3)
        #expect(crashed.outcome == .rolledBack, "\(crashed.reason ?? "")")
        // The exits are collected on a thread of their own, so that each does not wait behind the driver's steps.
        #expect(processThreadNames().contains("urban-exits"), "\(processThreadNames())")
        // The canary handed over within a handover's gap; its crash left shard 0 without a client processing
        // commands only until the warm standby was told to take over again; never two at once.
        let service = ServiceTimeline(try scenario.botStates(), until: ServiceTimeline.now())
        #expect(service.overlaps.isEmpty, "\(service.overlaps)")
        #expect(service.gaps.count == 2 && service.gaps.allSatisfy { $0.shard == 0 && $0.seconds < 5 }, "\(service.gaps)")
        let status = await harness.daemon.status()
        #expect(status.revision?.rawValue == v1)
        #expect(status.instances.allSatisfy { $0.active?.revision.rawValue == v1 && $0.standby == nil && $0.candidate == nil })
        let refused = await #expect(throws: DaemonControlError.self) {
            _ = try await harness.daemon.requestDeployment(DeploymentRequest(ref: v3, trigger: .push))
        }
        #expect(refused?.code == .refused)
        let idle = await #expect(throws: DaemonControlError.self) { try await harness.daemon.perform(.promote) }
        #expect(idle?.code == .refused)
    }

    @Test("a graceful shutdown leaves the bots running; a new daemon re-admits them and can still deploy; the token stays out of the state folder and the children's environments")
    func restartReadmitsRunningBots() async throws {
        try await Scenario.run { scenario in
            let (before, port) = try await scenario.withDaemon(instances: 2) { first async throws -> (StatusSnapshot, Int) in
                #expect(try await first.deploy(scenario.v1).outcome == .succeeded)
                return (await first.daemon.status(), await first.daemon.channelPort)
            }
            for instance in before.instances {
                let pid = try #require(instance.active?.pid)
                #expect(kill(pid, 0) == 0, "bot \(pid) did not survive the daemon")
            }

            try await scenario.withDaemon(instances: 2, port: port) { second in
                let readmitted = try await second.poll("the bots to reconnect", timeout: .seconds(60)) {
                    second.daemon.channelSessionCount == 2 ? await second.daemon.status() : nil
                }
                for instance in readmitted.instances {
                    #expect(instance.active?.client == before.instances[instance.instance].active?.client)
                    #expect(instance.active?.pid == before.instances[instance.instance].active?.pid)
                }
                let v2 = try await scenario.repository.commit("v2", simulate: nil)
                let deployed = try await second.deploy(v2)
                #expect(deployed.outcome == .succeeded, "\(deployed.reason ?? "")")
                #expect(await second.daemon.status().revision?.rawValue == v2)
                // Each shard handed over from v1 to v2 within a handover's gap, never with two processing.
                let service = ServiceTimeline(try scenario.botStates(), until: ServiceTimeline.now())
                #expect(service.overlaps.isEmpty, "\(service.overlaps)")
                #expect(service.gaps.count == 2 && service.gaps.allSatisfy { $0.seconds < 2 }, "\(service.gaps)")

                try expectNoToken(inFolder: second.configuration.state.directory)
                for pid in await second.pids() {
                    let environment = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
                    #expect(!String(decoding: environment, as: UTF8.self).contains(DaemonHarness.token))
                    #expect(String(decoding: environment, as: UTF8.self).contains("URBAN_ROBOT_KEY="))
                }
            }
        }
    }

    private static func collect(_ feed: ProgressFeed) async throws -> [ProgressEvent] {
        var events: [ProgressEvent] = []
        for try await event in feed { events.append(event) }
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
