import Deployer
import Foundation
import Testing

/// The `restarts` of `status --json`: how many times an instance was relaunched for a reason other than a deployment
/// (restarts after an exit, repairs) since its active's revision went live; stored across daemon restarts.
@Suite struct RestartCounterTests {
    @Test func restartsAfterExitsAreCountedAndADeploymentSetsThemBackToZero() throws {
        var fleet = Fleet(.test(instances: 2))
        fleet.store = try DeployerStore.inMemory()
        fleet.deploy(.v1)
        fleet.advance(.seconds(3600))
        #expect(fleet.status.instances.map { $0.active?.restarts } == [0, 0])
        fleet.crash(try #require(fleet.active(0)))
        fleet.advance(.seconds(5))
        fleet.crash(try #require(fleet.active(0)))
        fleet.advance(.seconds(5))
        #expect(fleet.status.instances.map { $0.active?.restarts } == [2, 0])

        try fleet.restartDaemon()
        #expect(fleet.status.instances.map { $0.active?.restarts } == [2, 0], "the counter is stored")

        fleet.deploy(.v2)
        fleet.advance(.seconds(3600))
        #expect(fleet.activeRevisions == [.v2, .v2])
        #expect(fleet.status.instances.map { $0.active?.restarts } == [0, 0], "a new revision went live")
        #expect(fleet.status.instances.allSatisfy { $0.standby == nil && $0.candidate == nil })
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func aRepairCountsAsARestart() throws {
        var (fleet, silent) = try RepairTests.restartedSilently(instances: 1)
        fleet.advance(.seconds(300))
        let replacement = try #require(fleet.active(0))
        #expect(replacement != silent.first, "the silent active was replaced")
        #expect(fleet.status.instances[0].active?.restarts == 1)
    }
}
