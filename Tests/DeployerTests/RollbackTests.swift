import Deployer
import FleetTypes
import Foundation
import Testing

@Suite struct RollbackTests {
    @Test func aCanaryFailingItsGateIsShutDownAndTheRevisionMarkedBad() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 3))
        let actives = (0..<3).map { fleet.active($0) }
        fleet.bots[.v2] = .unhealthy
        fleet.deploy(.v2)
        let canary = ClientID(instance: 0, launch: 2)
        #expect(fleet.commands(to: canary) == [.healthCheck, .shutdown(reason: "health_check_failure")])
        let record = try #require(fleet.lastDeployment)
        #expect(record.outcome == .rolledBack)
        #expect(record.reason == "instance 0 (shard-0.2): health_check_failure (40.0%)")
        #expect((0..<3).map { fleet.active($0) } == actives, "the old actives never stopped")
        #expect(fleet.log.contains { if case .markBad(.v2, _) = $0 { true } else { false } })
        #expect(fleet.engine.badRevisions[.v2] != nil)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func aLaunchFailureFailsTheCanaryWithoutWaitingForAnExit() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.bots[.v2] = Bot(launchFails: true)
        fleet.deploy(.v2)
        let canary = ClientID(instance: 0, launch: 2)
        #expect(fleet.lastDeployment?.outcome == .rolledBack)
        #expect(fleet.lastDeployment?.reason == "instance 0 (shard-0.2): launch_failed (no such file)")
        #expect(!fleet.log.contains(.stop(canary)))
        let active = try #require(fleet.active(0))
        #expect(fleet.engine.snapshot.clients.map(\.client) == [active])
    }

    @Test func aReconnectedStandbyThatNeverIdentifiesIsReplacedByAFreshClient() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.deploy(.v2)
        let standby = try #require(fleet.standby(0))
        fleet.send(.disconnected(standby))
        fleet.send(.connect(standby, key: fleet.keys[standby]!))
        fleet.crash(try #require(fleet.active(0)))
        #expect(fleet.active(0) == nil, "the standby has not identified: it cannot take over yet")
        fleet.advance(.seconds(30))
        #expect(fleet.log.contains(.stop(standby)))
        fleet.advance(.seconds(1))
        let fresh = try #require(fleet.active(0))
        #expect(fresh != standby)
        #expect(fleet.revisions[fresh] == .v1)
        #expect(fleet.lastDeployment?.outcome == .rolledBack)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func aCanaryCrashingDuringItsBakeGivesTheInstanceItsStandbyBackAtOnce() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 2))
        let old = try #require(fleet.active(0))
        fleet.deploy(.v2)
        let canary = try #require(fleet.active(0))
        let launches = fleet.launched.count
        let epoch = fleet.status.instances[0].epoch
        fleet.advance(.seconds(30))
        fleet.crash(canary)
        #expect(fleet.active(0) == old, "the standby is active again")
        #expect(fleet.launched.count == launches, "no process started")
        #expect(fleet.commands(to: old).last == .processCommands(reason: "rollback", epoch: epoch + 1))
        #expect(fleet.lastDeployment?.outcome == .rolledBack)
        #expect(fleet.lastDeployment?.reason == "instance 0 (shard-0.2): exited (exit code 1)")
        #expect(fleet.status.instances.allSatisfy { $0.standby == nil && $0.candidate == nil })
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func aFailedPeriodicHealthCheckDuringTheBakeRollsBack() throws {
        var settings = DeployerSettings.test(instances: 1)
        settings.healthInterval = .seconds(10)
        var fleet = Fleet.serving(.v1, settings)
        let old = try #require(fleet.active(0))
        fleet.deploy(.v2)
        fleet.advance(.seconds(10))
        #expect(fleet.active(0) != old, "the first periodic check passed")
        fleet.bots[.v2] = .unhealthy
        fleet.advance(.seconds(10))
        #expect(fleet.active(0) == old)
        #expect(fleet.lastDeployment?.reason?.hasSuffix("health_check_failure (40.0%)") == true)
    }

    @Test func anUnaskedShutdownDuringTheBakeRollsBack() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.deploy(.v2)
        let canary = try #require(fleet.active(0))
        fleet.send(.shutdownAnnounced(canary, reason: "out of memory"))
        #expect(fleet.lastDeployment?.outcome == .rolledBack)
        #expect(fleet.lastDeployment?.reason == "instance 0 (shard-0.2): unasked_shutdown (out of memory)")
    }

    @Test func aDisconnectPastTheGraceDuringTheBakeRollsBack() throws {
        var fleet = Fleet.serving(.v1, .test())
        let old = try #require(fleet.active(0))
        fleet.deploy(.v2)
        let canary = try #require(fleet.active(0))
        fleet.send(.disconnected(canary))
        fleet.advance(.seconds(9))
        #expect(fleet.status.state == .deploying)
        fleet.advance(.seconds(1))
        #expect(fleet.lastDeployment?.reason == "instance 0 (shard-0.2): disconnected (disconnected and not back within 10 s)")
        #expect(fleet.active(0) == old)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func aCrashDuringTheWatchRollsTheWholeFleetBackToItsStandbys() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 3))
        let olds = (0..<3).map { fleet.active($0) }
        fleet.deploy(.v2)
        fleet.advance(.seconds(75))
        #expect(fleet.status.deployment?.phase == "watch")
        #expect(fleet.activeRevisions == [.v2, .v2, .v2])
        fleet.crash(try #require(fleet.active(2)))
        #expect((0..<3).map { fleet.active($0) } == olds)
        #expect(fleet.lastDeployment?.outcome == .rolledBack)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func anInstanceWhoseStandbyWasLostGetsTheLastGoodThroughTheFullGate() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 1))
        fleet.deploy(.v2)
        let standby = try #require(fleet.standby(0))
        let canary = try #require(fleet.active(0))
        fleet.crash(standby)
        #expect(fleet.standby(0) == nil)
        fleet.crash(canary)
        #expect(fleet.revisions[fleet.launched.last!] == .v2, "the fresh launch waits for its pacing slot")
        fleet.advance(.seconds(1))
        let fresh = try #require(fleet.launched.last)
        #expect(fleet.revisions[fresh] == .v1)
        #expect(fleet.commands(to: fresh).prefix(2) == [.healthCheck, .processCommands(reason: "rollback", epoch: 3)])
        #expect(fleet.active(0) == fresh)
        #expect(fleet.lastDeployment?.outcome == .rolledBack)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func whenTheLastGoodFailsTooTheNextOlderIsTriedThenTheDaemonHalts() throws {
        var settings = DeployerSettings.test(instances: 1)
        settings.keepStandby = false
        let older = GoodTag(revision: .v4, tag: "good/20260101T000000Z")
        var fleet = Fleet.serving(.v1, settings, goodTags: [older])
        #expect(fleet.engine.goodTags.map(\.revision) == [.v1, .v4])
        fleet.bots[.v1] = .unhealthy
        fleet.bots[.v4] = .silent
        fleet.deploy(.v2)
        let canary = try #require(fleet.active(0))
        fleet.crash(canary)
        fleet.advance(.seconds(1))
        let tried = fleet.launched.suffix(1).compactMap { fleet.revisions[$0] }
        #expect(tried == [.v1])
        fleet.advance(.seconds(31))
        #expect(fleet.launched.suffix(2).compactMap { fleet.revisions[$0] } == [.v1, .v4])
        #expect(fleet.status.state == .halted)
        let record = try #require(fleet.lastDeployment)
        #expect(record.outcome == .failed)
        #expect(record.reason == "halted: rollback of \(Revision.v2) found no good revision that passes"
            + " (tried: \(Revision.v1), \(Revision.v4)); instance(s) 0 keep what still serves;"
            + " after: instance 0 (shard-0.2): exited (exit code 1)")
        #expect(fleet.status.instances[0].active == nil, "nothing serves: the canary crashed and no good passed")
        #expect(fleet.log.contains { if case .notify(let notice) = $0 { notice.level == .critical } else { false } })
        fleet.deploy(.v3, trigger: .push)
        #expect(fleet.lastDeployment?.outcome == .failed, "automatic deploys are refused while halted")
        #expect(fleet.lastDeployment?.reason?.hasPrefix("halted:") == true)
    }

    @Test func anOlderGoodThatPassesEndsTheRollbackWell() throws {
        var settings = DeployerSettings.test(instances: 1)
        settings.keepStandby = false
        let older = GoodTag(revision: .v4, tag: "good/20260101T000000Z")
        var fleet = Fleet.serving(.v1, settings, goodTags: [older])
        fleet.bots[.v1] = .unhealthy
        fleet.deploy(.v2)
        fleet.crash(try #require(fleet.active(0)))
        fleet.advance(.seconds(2))
        #expect(fleet.activeRevisions == [.v4])
        #expect(fleet.lastDeployment?.outcome == .rolledBack)
        #expect(fleet.status.state == .idle)
    }

    @Test func aHealthyButFailingActiveKeepsServingUntilTheRollbackClientTakesOver() throws {
        var settings = DeployerSettings.test(instances: 1)
        settings.keepStandby = false
        settings.healthInterval = .seconds(5)
        var fleet = Fleet.serving(.v1, settings)
        fleet.deploy(.v2)
        let canary = try #require(fleet.active(0))
        fleet.bots[.v2] = .unhealthy
        fleet.advance(.seconds(5))
        let fresh = try #require(fleet.launched.last)
        #expect(fleet.active(0) == fresh)
        let comaToCanary = try #require(fleet.log.firstIndex { if case .send(canary, .coma) = $0 { true } else { false } })
        let goFresh = try #require(fleet.log.firstIndex { if case .send(fresh, .processCommands) = $0 { true } else { false } })
        #expect(comaToCanary < goFresh)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }
}
