@testable import Deployer
import FleetTypes
import Foundation
import Testing

/// The life of a bad mark: a failed rollout makes it, automatic triggers and rollbacks respect it, a successful
/// deployment of the revision (`deploy --force` after the environment was fixed) clears it: the latest outcome wins.
@Suite struct BadMarkTests {
    /// A one-instance fleet on v1 whose deployment of an unhealthy v2 was rolled back.
    static func fleetWithBadV2(store: DeployerStore? = nil) -> Fleet {
        var fleet = Fleet(.test())
        fleet.store = store
        fleet.deploy(.v1)
        fleet.advance(.seconds(3600))
        fleet.bots[.v2] = .unhealthy
        fleet.deploy(.v2)
        return fleet
    }

    static func unmarks(_ actions: some Collection<DeployerAction>) -> [DeployerAction] {
        actions.filter { if case .unmarkBad = $0 { true } else { false } }
    }

    /// The same mark, its time to the millisecond (what SQLite keeps).
    static func same(_ stored: BadRevision?, _ mark: BadRevision) -> Bool {
        guard let stored else { return false }
        return stored.revision == mark.revision && stored.reason == mark.reason
            && abs(stored.markedAt.timeIntervalSince(mark.markedAt)) < 0.001
    }

    @Test func aFailedRolloutMarksTheRevisionAndStatusListsIt() throws {
        let fleet = Self.fleetWithBadV2()
        let record = try #require(fleet.lastDeployment)
        #expect(record.outcome == .rolledBack)
        let bad = try #require(fleet.engine.badRevisions[.v2])
        #expect(bad == BadRevision(revision: .v2, reason: "instance 0 (shard-0.2): health_check_failure (40.0%)",
                                   markedAt: fleet.now))
        #expect(fleet.status.bad == [bad])
    }

    @Test func aForcedDeploymentThatSucceedsClearsTheMarkAndAutomaticTriggersTakeTheRevisionAgain() throws {
        var fleet = Self.fleetWithBadV2()
        fleet.deploy(.v2, trigger: .webhook)
        let refused = try #require(fleet.lastDeployment)
        #expect(refused.outcome == .failed)
        #expect(refused.reason?.hasPrefix("revision \(Revision.v2) is marked bad (instance 0") == true)
        #expect(refused.reason?.hasSuffix("deploy --force overrides, and its next successful deployment clears the mark") == true)

        fleet.bots[.v2] = .healthy
        let mark = fleet.log.count
        fleet.deploy(.v2, trigger: .push, force: true)
        let forced = try #require(fleet.lastDeployment)
        #expect(fleet.engine.badRevisions[.v2] != nil, "still bad while the forced rollout runs")
        fleet.advance(.seconds(3600))
        #expect(fleet.deployments[forced.id]?.outcome == .succeeded)
        #expect(fleet.engine.badRevisions[.v2] == nil)
        #expect(fleet.status.bad.isEmpty)
        let tail = Array(fleet.log[mark...])
        #expect(Self.unmarks(tail) == [.unmarkBad(.v2, deployment: forced.id)])
        let tagged = try #require(tail.firstIndex { if case .tagGood(.v2, _) = $0 { true } else { false } })
        let unmarked = try #require(tail.firstIndex(of: .unmarkBad(.v2, deployment: forced.id)))
        #expect(tagged < unmarked, "the mark goes where the good tag is made")
        let entry = try #require(fleet.audits("revision.unmarked_bad").last)
        #expect(entry.deployment == forced.id)
        #expect(entry.detail["revision"] == Revision.v2.rawValue)
        #expect(entry.detail["was"] == "instance 0 (shard-0.2): health_check_failure (40.0%)")

        fleet.deploy(.v1)
        fleet.advance(.seconds(3600))
        fleet.deploy(.v2, trigger: .poll)
        let automatic = try #require(fleet.lastDeployment)
        fleet.advance(.seconds(3600))
        #expect(fleet.deployments[automatic.id]?.outcome == .succeeded, "\(automatic)")
        #expect(fleet.activeRevisions == [.v2])
    }

    @Test func aForcedDeploymentThatFailsAgainKeepsTheMarkWithTheNewReason() throws {
        var fleet = Self.fleetWithBadV2()
        let first = try #require(fleet.engine.badRevisions[.v2])
        fleet.advance(.seconds(600))
        fleet.bots[.v2] = Bot(launchFails: true)
        let mark = fleet.log.count
        fleet.deploy(.v2, trigger: .cli, force: true)
        #expect(fleet.lastDeployment?.outcome == .rolledBack)
        let again = try #require(fleet.engine.badRevisions[.v2])
        #expect(again.reason == "instance 0 (shard-0.3): launch_failed (no such file)")
        #expect(again.markedAt > first.markedAt)
        #expect(Self.unmarks(fleet.log[mark...]).isEmpty)
        #expect(fleet.status.bad == [again])
    }

    @Test func aSucceededDeploymentOfAnotherRevisionLeavesTheMark() throws {
        var fleet = Self.fleetWithBadV2()
        fleet.deploy(.v3)
        fleet.advance(.seconds(3600))
        #expect(fleet.lastDeployment?.outcome == .succeeded)
        #expect(fleet.engine.badRevisions[.v2] != nil)
        #expect(Self.unmarks(fleet.log).isEmpty)
    }

    /// A person tagged v3 good although it is marked bad: the mark outweighs the tag. `status` still shows the tag as
    /// last good (the newest good tag) and lists v3 as bad; rollbacks pass over v3 to the older good v1.
    @Test func rollbacksPassOverAGoodTagOnABadRevision() throws {
        let recovered = RecoveredState(
            goodTags: [GoodTag(revision: .v3, tag: "good/20270115T080000Z"), GoodTag(revision: .v1, tag: "good/20270101T080000Z")],
            badRevisions: [.v3: BadRevision(revision: .v3, reason: "crash loop", markedAt: Date(timeIntervalSince1970: 1_700_000_000))]
        )
        var fleet = Fleet(.test(instances: 2), recovered: recovered)
        #expect(fleet.engine.lastGood()?.revision == .v1)
        #expect(fleet.engine.protectedRevisions == [.v3, .v1], "the last good one's release is kept, not only the newest tag's")
        #expect(fleet.status.lastGood?.revision == .v3)
        fleet.deploy(.v2)
        fleet.advance(.seconds(3600))
        #expect(fleet.activeRevisions == [.v2, .v2])

        fleet.send(.request(DeploymentRequest(ref: nil, trigger: .rollback, who: "ops", immediate: true)))
        let rollback = try #require(fleet.lastDeployment)
        #expect(rollback.revision == .v1)
        fleet.advance(.seconds(60))
        #expect(fleet.activeRevisions == [.v1, .v1])

        fleet.bots[.v4] = .unhealthy
        fleet.deploy(.v4)
        let targets = try #require(fleet.audits("rollback.started").last?.detail["targets"])
        #expect(targets == [Revision.v1, .v2].map(\.rawValue).joined(separator: ","), "v3 is never a target")
    }

    @Test func theMarkAndItsRemovalSurviveADaemonRestart() throws {
        var fleet = Self.fleetWithBadV2(store: try DeployerStore.inMemory())
        let store = try #require(fleet.store)
        let marked = try #require(fleet.engine.badRevisions[.v2])
        let stored = try store.badRevisions()
        #expect(stored.count == 1 && Self.same(stored[.v2], marked), "\(stored)")

        try fleet.restartDaemon()
        #expect(fleet.engine.badRevisions.count == 1 && Self.same(fleet.engine.badRevisions[.v2], marked))
        #expect(fleet.status.bad.count == 1 && Self.same(fleet.status.bad.first, marked))
        fleet.deploy(.v2, trigger: .push)
        #expect(fleet.lastDeployment?.outcome == .failed, "still refused after the restart")

        fleet.bots[.v2] = .healthy
        fleet.deploy(.v2, trigger: .cli, force: true)
        let forced = try #require(fleet.lastDeployment)
        fleet.advance(.seconds(3600))
        #expect(fleet.deployments[forced.id]?.outcome == .succeeded)
        #expect(try store.badRevisions().isEmpty)
        let trail = try store.events(deployment: forced.id)
        let removal = try #require(trail.first { $0.kind == "action.unmark_bad" })
        #expect(removal.detail == ["revision": Revision.v2.rawValue, "deployment": "\(forced.id)"])
        #expect(trail.contains { $0.kind == "revision.unmarked_bad" })

        try fleet.restartDaemon()
        #expect(fleet.engine.badRevisions.isEmpty)
        #expect(try store.recover(goodTags: []).badRevisions.isEmpty)
        fleet.deploy(.v2, trigger: .webhook)
        #expect(fleet.lastDeployment?.outcome != .failed, "no longer refused")
    }
}
