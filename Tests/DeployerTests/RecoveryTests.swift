import Deployer
import Foundation
import FleetTypes
import Testing

@Suite struct RecoveryTests {
    static func fleet(instances: Int = 3) throws -> Fleet {
        var fleet = Fleet(.test(instances: instances))
        fleet.store = try DeployerStore.inMemory()
        fleet.deploy(.v1)
        fleet.advance(.seconds(3600))
        return fleet
    }

    @Test func anIdleFleetIsReadmittedWithProcessCommandsForTheRecordedActives() throws {
        var fleet = try Self.fleet()
        let actives = (0..<3).compactMap { fleet.active($0) }
        let epochs = fleet.status.instances.map(\.epoch)
        let mark = fleet.log.count
        try fleet.restartDaemon()
        let tail = fleet.log[mark...]
        for active in actives {
            #expect(tail.contains(.admit(active)))
            #expect(tail.contains(.hello(active, processCommands: true)))
            #expect(fleet.send(.ready(active)).contains(.send(active, .ok)))
        }
        #expect((0..<3).compactMap { fleet.active($0) } == actives)
        #expect(fleet.status.instances.map(\.epoch) == epochs)
        #expect(fleet.status.state == .idle)
        #expect(!tail.contains { if case .launch = $0 { true } else { false } })
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func aWrongKeyAfterARestartIsRefused() throws {
        var fleet = try Self.fleet(instances: 1)
        try fleet.restartDaemon()
        let active = try #require(fleet.active(0))
        #expect(fleet.send(.connect(active, key: "guess")) == [
            .refuse(active, reason: "wrong key"),
            .audit(AuditEntry(deployment: nil, time: fleet.now, kind: "client.refused", instance: 0, client: active,
                              detail: ["why": "wrong key"])),
        ])
        #expect(fleet.reply == .refused("wrong key", deployment: nil))
    }

    @Test func anUnknownClientIDAfterARestartIsRefusedAsSuch() throws {
        var fleet = try Self.fleet(instances: 1)
        try fleet.restartDaemon()
        let stranger = ClientID(instance: 0, launch: 99)
        #expect(fleet.send(.connect(stranger, key: "anything")) == [
            .refuse(stranger, reason: "unknown client id"),
            .audit(AuditEntry(deployment: nil, time: fleet.now, kind: "client.refused", client: stranger,
                              detail: ["why": "unknown client id"])),
        ])
        #expect(fleet.reply == .refused("unknown client id", deployment: nil))
    }

    @Test func aDeploymentInterruptedDuringItsReleaseStepEndsFailedUntouched() throws {
        var fleet = try Self.fleet()
        fleet.autopilot = false
        fleet.deploy(.v2)
        fleet.autopilot = true
        try fleet.restartDaemon()
        let record = try #require(fleet.lastDeployment)
        #expect(record.outcome == .failed)
        #expect(record.reason == "interrupted by a daemon restart before any instance was touched")
        #expect(fleet.activeRevisions == [.v1, .v1, .v1])
    }

    @Test(arguments: [
        (seconds: 0.0, label: "canary gate"), (seconds: 30.0, label: "canary bake"),
        (seconds: 60.5, label: "batch gate"), (seconds: 65.0, label: "batch bake"), (seconds: 100.0, label: "watch"),
    ])
    func aDeploymentInterruptedMidWayIsRolledBack(seconds: Double, label: String) throws {
        var fleet = try Self.fleet()
        let before = (0..<3).compactMap { fleet.active($0) }
        fleet.autopilot = seconds > 0
        fleet.deploy(.v2)
        if seconds == 0 {
            fleet.send(.releasePrepared(deployment: try #require(fleet.lastDeployment).id, result: .prepared(.v2)))
            fleet.autopilot = true
        } else {
            fleet.advance(.milliseconds(Int64(seconds * 1000)))
        }
        let running = try #require(fleet.lastDeployment)
        #expect(running.outcome == .running, "\(label)")
        try fleet.restartDaemon()
        fleet.advance(.seconds(120))
        let record = try #require(fleet.deployments[running.id])
        #expect(record.outcome == .rolledBack, "\(label)")
        #expect(record.reason == "interrupted by a daemon restart; rolled back")
        #expect(fleet.activeRevisions == [.v1, .v1, .v1], "\(label)")
        #expect(fleet.status.instances.allSatisfy { $0.standby == nil && $0.candidate == nil }, "\(label)")
        let kept = (0..<3).compactMap { fleet.active($0) }.filter(before.contains)
        #expect(!kept.isEmpty, "\(label): standbys came back rather than fresh launches")
        #expect(fleet.monitor.violations.isEmpty, "\(label): \(fleet.monitor.violations)")
        let trail = try #require(fleet.store).events(deployment: running.id).map(\.kind)
        #expect(trail.contains("deployment.interrupted"))
    }

    @Test func aRecordedActiveThatNeverReturnsIsReplacedThroughTheGate() throws {
        var fleet = try Self.fleet(instances: 1)
        let lost = try #require(fleet.active(0))
        fleet.alive.remove(lost)
        try fleet.restartDaemon()
        fleet.advance(.seconds(30))
        #expect(fleet.log.contains(.stop(lost)))
        fleet.send(.exited(lost, .signaled(signal: 9, coreDumped: false)))
        fleet.advance(.seconds(2))
        let fresh = try #require(fleet.active(0))
        #expect(fresh != lost)
        #expect(fleet.revisions[fresh] == .v1)
    }

    @Test func theStoreKeepsHistoryEventsBadRevisionsAndNeverTheKey() throws {
        var fleet = try Self.fleet(instances: 1)
        fleet.bots[.v2] = .unhealthy
        fleet.deploy(.v2)
        let store = try #require(fleet.store)
        let history = try store.history()
        #expect(history.map(\.outcome) == [.rolledBack, .succeeded])
        #expect(history.first?.revision == .v2)
        #expect(try store.badRevisions()[.v2]?.reason.contains("health_check_failure") == true)
        let recovered = try store.recover(goodTags: [])
        #expect(recovered.clients.count == 1)
        let key = try #require(fleet.keys[recovered.clients[0].client])
        #expect(recovered.clients[0].keyHash.matches(key))
        #expect(recovered.clients[0].keyHash.bytes.count == 32)
        #expect(recovered.lastDeploymentID == 2)
        let events = try store.events(deployment: 2).map(\.kind)
        #expect(events.contains("gate.failed"))
        #expect(events.contains("deployment.finished"))
        #expect(events.contains("action.cmd.shutdown"))
        for deployment in [nil, 1, 2] {
            for entry in try store.events(deployment: deployment) {
                #expect(!entry.detail.values.contains { $0.contains(key) }, "\(entry)")
            }
        }
    }
}

extension RecoveryTests {
    @Test func clientIdsAreNeverReusedAfterARestart() throws {
        var fleet = try Self.fleet(instances: 1)
        fleet.bots[.v2] = .unhealthy
        fleet.deploy(.v2)
        fleet.advance(.seconds(3600))
        let used = Set(fleet.launched)
        #expect(used.count == 2)
        // v2's failed candidate (the newest id) is gone with its record; only v1's active, shard-0.1, is recorded.
        // The counter is stored on its own.
        #expect(try #require(fleet.store).recover(goodTags: []).clients.count == 1)
        try fleet.restartDaemon()
        fleet.crash(try #require(fleet.active(0)))
        fleet.advance(.seconds(5))
        let fresh = try #require(fleet.launched.last)
        #expect(!used.contains(fresh), "\(fresh) was used before the restart: \(used.sorted())")
        #expect(fresh == ClientID(instance: 0, launch: used.count + 1))
    }
}
