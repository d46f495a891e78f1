import Deployer
import FleetTypes
import Foundation
import Testing

@Suite struct RolloutTests {
    @Test func aGoodDeployGoesCanaryBakeBatchesWatchAndTagsGood() throws {
        var fleet = Fleet(.test(instances: 5))
        fleet.deploy(.v1)
        #expect(fleet.launched == [ClientID(instance: 0, launch: 1)], "the canary alone first")
        #expect(fleet.status.deployment?.phase == "bake")
        fleet.advance(.seconds(59))
        #expect(fleet.launched.count == 1, "the bake lasts 60 s")
        fleet.advance(.seconds(1))
        #expect(fleet.launched.count == 2, "the first batch starts, one launch per identify_spacing")
        fleet.advance(.seconds(1))
        #expect(fleet.launched.count == 3)
        #expect(fleet.status.deployment?.phase == "bake")
        fleet.advance(.seconds(10))
        fleet.advance(.seconds(1))
        #expect(fleet.launched.count == 5)
        #expect(fleet.status.deployment?.phase == "bake")
        fleet.advance(.seconds(10))
        #expect(fleet.status.deployment?.phase == "watch")
        fleet.advance(.seconds(119))
        #expect(fleet.status.state == .deploying)
        fleet.advance(.seconds(1))
        let record = try #require(fleet.lastDeployment)
        #expect(record.outcome == .succeeded)
        #expect(fleet.activeRevisions == Array(repeating: .v1, count: 5))
        #expect(fleet.status.revision == .v1)
        #expect(fleet.status.lastGood?.revision == .v1)
        #expect(fleet.log.contains(.tagGood(.v1, deployment: 1)))
        #expect(fleet.engine.goodTags.first == GoodTag(revision: .v1, tag: "good/1"), "the name the repository gave")
        #expect(fleet.log.contains { if case .retainReleases(let keep) = $0 { keep.contains(.v1) } else { false } })
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func launchesArePacedByMaxConcurrencyPerSpacing() {
        var settings = DeployerSettings.test(instances: 4)
        settings.maxConcurrency = 2
        settings.identifySpacing = .seconds(5)
        settings.batch = .count(4)
        settings.canary = 1
        var fleet = Fleet(settings)
        fleet.deploy(.v1)
        fleet.advance(.seconds(60))
        #expect(fleet.launched.count == 3, "the canary, then two of the batch in one window")
        fleet.advance(.seconds(4))
        #expect(fleet.launched.count == 3)
        fleet.advance(.seconds(1))
        #expect(fleet.launched.count == 4)
    }

    @Test func theHandoverComasTheOldActiveBeforeTheNewOneProcesses() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 1))
        let old = try #require(fleet.active(0))
        let epochBefore = fleet.status.instances[0].epoch
        let mark = fleet.log.count
        fleet.deploy(.v2)
        let new = try #require(fleet.active(0))
        #expect(new != old)
        let tail = Array(fleet.log[mark...])
        let comaIndex = try #require(tail.firstIndex { $0 == .send(old, .coma(reason: "rollout", epoch: epochBefore + 1)) })
        let goIndex = try #require(tail.firstIndex {
            $0 == .send(new, .processCommands(reason: "rollout", epoch: epochBefore + 1))
        })
        let confirmed = try #require(fleet.events.lastIndex { $0 == .comaConfirmed(old) })
        #expect(comaIndex < goIndex)
        #expect(fleet.events.firstIndex { $0 == .identified(new) }! < confirmed)
        #expect(fleet.standby(0) == old, "the old active waits in coma during the bake")
        let committed = try #require(fleet.audits("handover.committed").last)
        #expect(committed.detail["gap_seconds"] == "0.0")
        #expect(committed.detail["epoch"] == "\(epochBefore + 1)")
        fleet.advance(.seconds(3600))
        #expect(fleet.lastDeployment?.outcome == .succeeded)
        #expect(fleet.standby(0) == nil, "standbys are shut down when the rollout is done")
        #expect(fleet.commands(to: old).last == .shutdown(reason: "deployment finished"))
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func aReadyFromTheActiveIsAnsweredWithOK() throws {
        var fleet = Fleet.serving(.v1, .test())
        let active = try #require(fleet.active(0))
        #expect(fleet.send(.ready(active)).contains(.send(active, .ok)))
    }

    @Test func anOldActiveThatIgnoresComaIsReplacedAfterTheComaTimeout() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.bots[.v1] = Bot(confirmsComa: false)
        let old = try #require(fleet.active(0))
        fleet.deploy(.v2)
        #expect(fleet.active(0) == old, "still active while coma is unconfirmed")
        fleet.advance(.milliseconds(4999))
        #expect(fleet.active(0) == old)
        fleet.advance(.milliseconds(1))
        #expect(fleet.active(0) != old)
        #expect(fleet.audits("handover.coma_timeout").count == 1)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func aSlowShardDoesNotHoldUpTheOthersInItsBatchButItsFailureFailsTheRollout() throws {
        var settings = DeployerSettings.test(instances: 3)
        settings.bake = .zero
        var fleet = Fleet(settings)
        fleet.autopilot = false
        fleet.deploy(.v1)
        fleet.send(.releasePrepared(deployment: 1, result: .prepared(.v1)))
        fleet.pass(ClientID(instance: 0, launch: 1))
        #expect(fleet.launched == [ClientID(instance: 0, launch: 1)], "the next launch waits for its pacing slot")
        fleet.advance(.seconds(1))
        #expect(fleet.launched.last == ClientID(instance: 1, launch: 1))
        fleet.advance(.seconds(1))
        let slow = ClientID(instance: 1, launch: 1)
        let quick = ClientID(instance: 2, launch: 1)
        #expect(fleet.launched.last == quick)
        fleet.pass(quick)
        #expect(fleet.active(2) == quick, "shard 2 took over while shard 1 has not identified")
        #expect(fleet.status.instances[1].candidate?.state == "connecting")
        fleet.advance(.seconds(30))
        #expect(fleet.audits("gate.failed").first?.detail["reason"] == "identify_timeout (no identify within 30 s)")
        #expect(fleet.status.deployment?.phase == "rollback")
        #expect(fleet.commands(to: slow).isEmpty, "a client that never authenticated gets nothing")
    }

    @Test func aFailingReleaseStepFailsTheDeploymentBeforeAnyInstanceIsTouched() throws {
        var fleet = Fleet(.test(instances: 2))
        fleet.brokenReleases = ["nope"]
        fleet.send(.request(DeploymentRequest(ref: "nope", trigger: .cli)))
        let record = try #require(fleet.lastDeployment)
        #expect(record.outcome == .failed)
        #expect(record.reason == "release step failed: checkout of nope failed")
        #expect(fleet.launched.isEmpty)
        #expect(fleet.status.state == .idle)
    }

    @Test func theWavesFollowCanaryAndBatchSizes() {
        #expect(DeployerSettings(instances: 10, canary: 1, batch: .percent(25)).waves()
            == [[0], [1, 2, 3], [4, 5, 6], [7, 8, 9]])
        #expect(DeployerSettings(instances: 3, canary: 2, batch: .count(5)).waves() == [[0, 1], [2]])
        #expect(DeployerSettings(instances: 1, canary: 3).waves() == [[0]])
        #expect(BatchSize.percent(1).count(of: 10) == 1)
    }
}

extension RolloutTests {
    /// The watch's health checks end with the deployment: a check still in flight when the deployment succeeds
    /// leaves no deadline behind (the end of a rollout clears every client's checks, in one pass), fails nobody
    /// afterwards, and the actives are not checked again.
    @Test func aHealthCheckInFlightWhenTheDeploymentEndsFailsNobody() throws {
        var settings = DeployerSettings.test(instances: 3)
        settings.healthInterval = .seconds(7)
        settings.checkTimeout = .seconds(60)
        settings.watch = .seconds(20)
        var fleet = Fleet.serving(.v1, settings)
        fleet.deploy(.v2)
        for _ in 0..<600 where fleet.status.deployment?.phase != "watch" { fleet.advance(.seconds(1)) }
        #expect(fleet.status.deployment?.phase == "watch")
        fleet.bots[.v2] = Bot(report: nil)  // from now on no health check is answered
        let actives = (0..<3).compactMap { fleet.active($0) }
        let checksBefore = actives.map { fleet.commands(to: $0).filter { $0 == .healthCheck }.count }
        fleet.advance(.seconds(10))
        let inFlight = actives.map { fleet.commands(to: $0).filter { $0 == .healthCheck }.count }
        #expect(zip(inFlight, checksBefore).contains { $0 > $1 }, "a check went out during the watch and is unanswered")
        fleet.advance(.seconds(11))
        let record = try #require(fleet.lastDeployment)
        #expect(record.outcome == .succeeded, "the watch ended before the unanswered check's 60 s ran out")
        #expect(fleet.engine.nextDeadline == nil, "no check is due or awaited: the driver has nothing to wake for")
        fleet.advance(.seconds(300))
        #expect((0..<3).compactMap { fleet.active($0) } == actives, "no active was failed or replaced")
        #expect(actives.map { fleet.commands(to: $0).filter { $0 == .healthCheck }.count } == inFlight,
                "no check after the deployment ended")
        #expect(fleet.audits("client.failed").isEmpty && fleet.lastDeployment?.id == record.id)
        #expect(fleet.activeRevisions == [.v2, .v2, .v2])
    }
}
