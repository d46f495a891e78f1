import Deployer
import FleetTypes
import Foundation
import Testing

/// What gets deployed follows one rule whatever the trigger; what flapping is; failures name their limits and
/// the channel's refusals; the manual approval step.
@Suite struct DeployRulesTests {
    @Test func theServingRevisionIsNothingToDoAndQueuesNoRecord() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 2))
        let before = fleet.deployments.count
        for trigger in [Trigger.cli, .push, .webhook, .poll] {
            let reply = fleet.engine.handle(.request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: trigger)), at: fleet.now).reply
            guard case .nothingToDo(let why) = reply else {
                Issue.record("\(trigger): \(reply)")
                continue
            }
            #expect(why.hasPrefix("\(Revision.v1) already serves every instance"))
        }
        #expect(fleet.deployments.count == before)
        let forced = fleet.engine.handle(.request(
            DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli, force: true)), at: fleet.now).reply
        guard case .accepted = forced else {
            Issue.record("a forced redeploy runs: \(forced)")
            return
        }
    }

    @Test func aSecondRequestForARunningOrQueuedRevisionFollowsTheFirst() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 2))
        fleet.deploy(.v2, trigger: .push)
        let running = try #require(fleet.lastDeployment)
        let again = fleet.engine.handle(.request(DeploymentRequest(ref: Revision.v2.rawValue, trigger: .webhook)), at: fleet.now)
        #expect(again.reply == .existing(deployment: running.id, why: "\(Revision.v2) is already being deployed (#\(running.id))"))
        #expect(!again.actions.contains { if case .recordDeployment = $0 { true } else { false } })
        fleet.deploy(.v3, trigger: .push)
        let queued = try #require(fleet.lastDeployment)
        #expect(queued.outcome == .queued)
        let dup = fleet.engine.handle(.request(DeploymentRequest(ref: Revision.v3.rawValue, trigger: .poll)), at: fleet.now).reply
        #expect(dup == .existing(deployment: queued.id, why: "\(Revision.v3) is already queued (#\(queued.id))"))
        #expect(fleet.lastDeployment?.id == queued.id)
    }

    @Test func aBadRevisionAskedByAnyTriggerIsRefusedNamingTheMark() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.bots[.v2] = .unhealthy
        fleet.deploy(.v2)
        let reply = fleet.engine.handle(.request(DeploymentRequest(ref: Revision.v2.rawValue, trigger: .cli)), at: fleet.now).reply
        guard case .refused(let why, let record) = reply else {
            Issue.record("\(reply)")
            return
        }
        #expect(why.contains("is marked bad (instance 0 (shard-0.2): health_check_failure (40.0%)"))
        #expect(why.contains("deploy --force overrides"))
        #expect(record != nil)
    }

    @Test func gateFailuresOfPushesNeverHaltButCrashesAfterServingDo() throws {
        var settings = DeployerSettings.test()
        settings.maxAutoRollbacks = 2
        var fleet = Fleet.serving(.v1, settings)
        for revision in [Revision.v2, .v3, .v4, Revision("5555555555555555555555555555555555555555")] {
            fleet.bots[revision] = .unhealthy
            fleet.deploy(revision, trigger: .push)
            fleet.advance(.seconds(5))
            #expect(fleet.lastDeployment?.outcome == .rolledBack)
        }
        #expect(fleet.status.state == .idle, "gate failures touched no serving shard")
        for name in ["6", "7", "8"] {
            let revision = Revision(String(repeating: name, count: 40))
            fleet.deploy(revision, trigger: .push)
            fleet.advance(.seconds(5))
            fleet.crash(try #require(fleet.active(0)))
            fleet.advance(.seconds(1))
        }
        #expect(fleet.status.state == .halted, "a third rollback after serving within the hour halts")
        #expect(fleet.engine.haltReason == "more than 2 automatic rollbacks within an hour")
    }

    @Test func aCrashLoopRollbackNamesItsReasonInHistoryAndWarns() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.deploy(.v2)
        fleet.advance(.seconds(3600))
        #expect(fleet.activeRevisions == [.v2])
        for _ in 0..<3 {
            let active = try #require(fleet.active(0))
            fleet.crash(active)
            fleet.advance(.seconds(2))
            if fleet.lastDeployment?.trigger == .autoRollback { break }
            fleet.advance(.seconds(60))
        }
        fleet.advance(.seconds(60))
        let rollback = try #require(fleet.lastDeployment)
        #expect(rollback.trigger == .autoRollback)
        #expect(rollback.outcome == .succeeded)
        #expect(rollback.reason == "crash loop: instance 0 of \(Revision.v2) exited 3 times within 300 s")
        #expect(fleet.log.contains { action in
            if case .notify(let notice) = action { notice.level == .warning && notice.message.hasPrefix("crash loop:") } else { false }
        })
    }

    @Test func aGateFailingWhileTheChannelShedsDoesNotMarkTheRevisionBad() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.bots[.v2] = .silent
        fleet.deploy(.v2)
        fleet.send(.connectionRefused(ConnectionRefusal(
            cause: .shedding, client: nil, peer: "127.0.0.1", why: "session limit reached", count: 40)))
        fleet.advance(.seconds(31))
        let record = try #require(fleet.lastDeployment)
        #expect(record.outcome == .rolledBack)
        #expect(record.reason == "instance 0 (shard-0.2): identify_timeout (no identify within 30 s); the channel was "
            + "shedding connections (session limit reached)")
        #expect(fleet.engine.badRevisions[.v2] == nil)
        #expect(!fleet.audits("revision.not_marked_bad").isEmpty)
    }

    @Test func aGateFailingAfterRefusedCredentialsSaysSo() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.bots[.v2] = .silent
        fleet.deploy(.v2)
        fleet.send(.connectionRefused(ConnectionRefusal(
            cause: .credentials, client: nil, peer: "127.0.0.1:50000", why: "no instance/key in the CONNECT auth", count: 2)))
        fleet.advance(.seconds(31))
        let record = try #require(fleet.lastDeployment)
        #expect(record.reason == "instance 0 (shard-0.2): identify_timeout (no identify within 30 s); 2 connection(s) "
            + "were refused meanwhile, the latest from 127.0.0.1:50000: no instance/key in the CONNECT auth")
        #expect(fleet.engine.badRevisions[.v2] != nil)
    }

    @Test func pauseAfterCanaryHoldsUntilPromoteAndAbortUndoesIt() throws {
        var settings = DeployerSettings.test(instances: 3)
        settings.pauseAfterCanary = true
        var fleet = Fleet(settings)
        fleet.deploy(.v1)
        fleet.advance(.seconds(3600))
        fleet.send(.command(.promote))
        fleet.advance(.seconds(3600))
        #expect(fleet.activeRevisions == [.v1, .v1, .v1])
        fleet.deploy(.v2)
        let mark = fleet.log.count
        fleet.advance(.seconds(3600))
        #expect(fleet.status.deployment?.phase == "paused")
        #expect(fleet.activeRevisions == [.v2, .v1, .v1])
        fleet.send(.command(.promote))
        fleet.advance(.seconds(3600))
        #expect(fleet.lastDeployment?.outcome == .succeeded)
        #expect(fleet.activeRevisions == [.v2, .v2, .v2])
        let bakes = fleet.log[mark...].filter { if case .audit(let entry) = $0 { entry.kind == "rollout.bake" } else { false } }
        #expect(bakes.count == 1, "after the approval the batch still bakes (the canary's bake came before the pause)")
        #expect(fleet.log[mark...].contains { if case .audit(let entry) = $0 { entry.kind == "rollout.watch" } else { false } })

        fleet.deploy(.v3)
        fleet.advance(.seconds(3600))
        #expect(fleet.status.deployment?.phase == "paused")
        fleet.send(.command(.abort))
        fleet.advance(.seconds(60))
        #expect(fleet.lastDeployment?.outcome == .aborted)
        #expect(fleet.activeRevisions == [.v2, .v2, .v2])
    }
}
