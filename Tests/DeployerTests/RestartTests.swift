import Deployer
import Foundation
import FleetTypes
import Testing

@Suite struct RestartTests {
    @Test func anActiveThatExitsAfterTheRolloutIsRestartedWithBackoffGatedAndHandedBack() throws {
        var fleet = Fleet.serving(.v1, .test())
        let first = try #require(fleet.active(0))
        let epoch = fleet.status.instances[0].epoch
        fleet.crash(first)
        #expect(fleet.active(0) == nil)
        fleet.advance(.milliseconds(999))
        #expect(fleet.launched.count == 1, "the first restart waits 1 s")
        fleet.advance(.milliseconds(1))
        let second = try #require(fleet.active(0))
        #expect(fleet.revisions[second] == .v1)
        #expect(fleet.commands(to: second) == [.healthCheck, .processCommands(reason: "restart", epoch: epoch + 1)])
        fleet.crash(second)
        fleet.advance(.milliseconds(1999))
        #expect(fleet.active(0) == nil, "the second restart waits 2 s")
        fleet.advance(.milliseconds(1))
        #expect(fleet.active(0) != nil)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func aCrashLoopRollsBackAutomaticallyToTheLastGood() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 2))
        fleet.deploy(.v2)
        fleet.advance(.seconds(3600))
        #expect(fleet.activeRevisions == [.v2, .v2])
        for _ in 0..<3 {
            fleet.crash(try #require(fleet.active(1)))
            fleet.advance(.seconds(5))
        }
        let rollback = try #require(fleet.lastDeployment)
        #expect(rollback.trigger == .autoRollback)
        #expect(rollback.revision == .v1)
        fleet.advance(.seconds(10))
        #expect(fleet.activeRevisions == [.v1, .v1])
        #expect(fleet.deployments[rollback.id]?.outcome == .succeeded)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func antiFlapHaltsPastTheCapOfAutomaticRollbacks() throws {
        var settings = DeployerSettings.test()
        settings.maxAutoRollbacks = 1
        var fleet = Fleet.serving(.v1, settings)
        fleet.deploy(.v2)
        fleet.advance(.seconds(3600))
        for _ in 0..<3 {
            fleet.crash(try #require(fleet.active(0)))
            fleet.advance(.seconds(5))
        }
        #expect(fleet.activeRevisions == [.v1], "the first automatic rollback ran")
        for _ in 0..<3 {
            fleet.crash(try #require(fleet.active(0)))
            fleet.advance(.seconds(5))
        }
        #expect(fleet.status.state == .halted)
        #expect(fleet.lastDeployment?.trigger == .autoRollback)
        #expect(fleet.activeRevisions == [.v1], "halted keeps restarting what serves")
    }
}

@Suite struct UnmanagedClientTests {
    @Test func anUnmanagedClientIsGatedAndTakesOverTheSeedsWay() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 2))
        let old = try #require(fleet.active(1))
        let manual = ClientID(rawValue: "unmanaged-1")
        #expect(fleet.send(.unmanagedConnected(manual, instance: 1)).contains(.admit(manual)))
        #expect(fleet.reply == .admitted)
        fleet.autopilot = false
        #expect(fleet.send(.identified(manual)).contains(.hello(manual, processCommands: false)))
        fleet.send(.ready(manual))
        fleet.autopilot = true
        fleet.send(.healthReport(manual, .healthy))
        #expect(fleet.active(1) == manual)
        #expect(fleet.commands(to: old).suffix(2).map(\.name) == ["coma", "shutdown"])
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
        let launches = fleet.launched.count
        fleet.send(.disconnected(manual))
        fleet.send(.exited(manual, .exited(code: 0)))
        #expect(fleet.launched.count == launches + 1, "the instance gets a managed client at once")
        #expect(fleet.launched.last?.rawValue.hasPrefix("shard-1.") == true)
        fleet.advance(.seconds(120))
        #expect(fleet.launched.count == launches + 1, "an unmanaged client is not restarted")
        #expect(fleet.activeRevisions == [.v1, .v1])
        #expect(fleet.active(1) == fleet.launched.last)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func anUnmanagedClientForABusyOrMissingInstanceIsRefused() {
        var fleet = Fleet.serving(.v1, .test(instances: 1))
        let manual = ClientID(rawValue: "unmanaged-1")
        #expect(fleet.send(.unmanagedConnected(manual, instance: 3)).contains(.refuse(manual, reason: "unauthorized")))
        #expect(fleet.reply == .refused("unauthorized", deployment: nil))
        fleet.autopilot = false
        fleet.deploy(.v2)
        fleet.send(.releasePrepared(deployment: 2, result: .prepared(.v2)))
        #expect(fleet.send(.unmanagedConnected(manual, instance: 0)).contains(.refuse(manual, reason: "unauthorized")))
    }
}
