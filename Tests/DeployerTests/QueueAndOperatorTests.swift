import Deployer
import FleetTypes
import Foundation
import Testing

@Suite struct QueueAndOperatorTests {
    @Test func oneRunsOneWaitsAndANewerRequestReplacesTheWaitingOne() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.deploy(.v2)
        let running = try #require(fleet.lastDeployment)
        fleet.deploy(.v3)
        let waiting = try #require(fleet.lastDeployment)
        #expect(waiting.outcome == .queued)
        fleet.deploy(.v4, trigger: .webhook)
        let newest = try #require(fleet.lastDeployment)
        #expect(fleet.deployments[waiting.id]?.outcome == .aborted)
        #expect(fleet.deployments[waiting.id]?.reason == "replaced by deployment #\(newest.id) while waiting")
        #expect(newest.outcome == .queued)
        fleet.advance(.seconds(3600))
        #expect(fleet.deployments[running.id]?.outcome == .succeeded)
        fleet.advance(.seconds(3600))
        #expect(fleet.deployments[newest.id]?.outcome == .succeeded)
        #expect(fleet.activeRevisions == [.v4])
    }

    @Test func aBadRevisionIsRefusedToEveryTriggerUnlessForced() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.bots[.v2] = .unhealthy
        fleet.deploy(.v2)
        #expect(fleet.lastDeployment?.outcome == .rolledBack)
        for trigger in [Trigger.push, .webhook, .poll, .cli, .rollback] {
            fleet.deploy(.v2, trigger: trigger)
            let refused = try #require(fleet.lastDeployment)
            #expect(refused.outcome == .failed)
            #expect(refused.reason?.hasPrefix("revision \(Revision.v2) is marked bad") == true)
        }
        fleet.bots[.v2] = .healthy
        fleet.deploy(.v2, trigger: .push, force: true)
        #expect(fleet.lastDeployment?.outcome == .running)
        fleet.send(.command(.abort))
        fleet.deploy(.v2, trigger: .cli, force: true)
        #expect(fleet.lastDeployment?.outcome == .running, "a person may deploy a bad revision with --force")
    }

    @Test func abortUndoesTheRolloutWithoutMarkingTheRevisionBad() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 2))
        let olds = [fleet.active(0), fleet.active(1)]
        fleet.deploy(.v2)
        fleet.advance(.seconds(61))
        #expect(fleet.activeRevisions == [.v2, .v2])
        fleet.send(.command(.abort))
        #expect(fleet.reply == .performed)
        #expect([fleet.active(0), fleet.active(1)] == olds)
        let record = try #require(fleet.lastDeployment)
        #expect(record.outcome == .aborted)
        #expect(record.reason == "aborted by an operator")
        #expect(fleet.engine.badRevisions[.v2] == nil)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func abortOrPromoteWithNoDeploymentIsIgnoredSayingWhyAndEveryEventIsAnswered() throws {
        var fleet = Fleet.serving(.v1, .test())
        for command in [OperatorCommand.abort, .promote] {
            let actions = fleet.send(.command(command))
            #expect(fleet.reply == .ignored("no deployment runs"), "\(command)")
            #expect(actions.count == 1, "only the audit entry: \(actions)")
        }
        fleet.send(.command(.resume))
        #expect(fleet.reply == .performed)
        fleet.send(.tick)
        #expect(fleet.reply == .noted)
        let active = try #require(fleet.active(0))
        let connect = fleet.send(.connect(active, key: fleet.keys[active] ?? ""))
        #expect(fleet.reply == .admitted, "\(connect)")
    }

    @Test func abortDuringTheReleaseStepTouchesNothing() throws {
        var fleet = Fleet(.test())
        fleet.autopilot = false
        fleet.deploy(.v1)
        fleet.send(.command(.abort))
        #expect(fleet.lastDeployment?.outcome == .aborted)
        fleet.send(.releasePrepared(deployment: 1, result: .prepared(.v1)))
        #expect(fleet.launched.isEmpty, "a late release result is ignored")
    }

    @Test func promoteSkipsTheRemainingBakeAndWatch() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 3))
        fleet.deploy(.v2)
        #expect(fleet.status.deployment?.phase == "bake")
        fleet.send(.command(.promote))
        #expect(fleet.reply == .performed)
        fleet.advance(.seconds(2))
        #expect(fleet.lastDeployment?.outcome == .succeeded)
        #expect(fleet.activeRevisions == [.v2, .v2, .v2])
    }

    @Test func resumeLeavesHaltedAndTheWaitingAutomaticRequestIsRefusedWhileHalted() throws {
        var settings = DeployerSettings.test()
        settings.maxAutoRollbacks = 1
        var fleet = Fleet.serving(.v1, settings)
        for revision in [Revision.v2, .v3] {
            fleet.deploy(revision)
            fleet.advance(.seconds(5))
            fleet.crash(try #require(fleet.active(0)), status: 1)
            fleet.advance(.seconds(1))
        }
        #expect(fleet.status.state == .halted, "the second automatic rollback within an hour halts")
        #expect(fleet.engine.haltReason == "more than 1 automatic rollbacks within an hour")
        #expect(fleet.lastDeployment?.outcome == .rolledBack, "the failing rollout is still undone")
        fleet.deploy(.v4, trigger: .poll)
        #expect(fleet.lastDeployment?.outcome == .failed)
        fleet.send(.command(.resume))
        #expect(fleet.status.state == .idle)
        fleet.deploy(.v4, trigger: .poll)
        #expect(fleet.lastDeployment?.outcome == .running)
    }

    @Test func aManualRollbackDeploysTheLastGoodCanaryFirstOrAtOnce() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 3))
        fleet.deploy(.v2)
        fleet.advance(.seconds(3600))
        #expect(fleet.engine.goodTags.map(\.revision) == [.v2, .v1])
        fleet.send(.request(DeploymentRequest(ref: nil, trigger: .rollback, who: "ops", immediate: true)))
        let record = try #require(fleet.lastDeployment)
        #expect(record.revision == .v1)
        fleet.advance(.seconds(3))
        #expect(fleet.activeRevisions == [.v1, .v1, .v1])
        #expect(fleet.deployments[record.id]?.outcome == .succeeded)
        #expect(fleet.deployments[record.id]?.trigger == .rollback)
    }

    /// What the `history --json` and `status --json` documents are made of (their keys are pinned where the daemon
    /// makes them, in UrbanRobotTests' `StatusDocumentTests`).
    @Test func theRecordAndTheStatusHoldWhatTheDocumentsShow() throws {
        var fleet = Fleet.serving(.v1, .test())
        #expect(try #require(fleet.lastDeployment).outcome == .succeeded)
        fleet.deploy(.v2)
        let status = fleet.status
        #expect(status.state == .deploying)
        let instance = try #require(status.instances.first)
        let active = try #require(instance.active)
        #expect(active.restarts == 0, "the active's restart count")
        #expect(instance.standby?.restarts == nil, "restarts are the active's")
        #expect(active.confirmBy == nil, "an identified active is confirmed")
        #expect(active.state == "serving")
        #expect(instance.standby?.state == "standby")
        #expect(instance.candidate == nil)
    }
}
