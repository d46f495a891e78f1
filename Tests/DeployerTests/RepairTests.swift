import Deployer
import Foundation
import FleetTypes
import Testing

/// An active that stops talking to the daemon (after a restart or a reconnect) is replaced through the gate and a
/// handover, one instance at a time, while it keeps serving; never stopped first.
@Suite struct RepairTests {
    static func restartedSilently(instances: Int = 3) throws -> (Fleet, [ClientID]) {
        var fleet = Fleet(.test(instances: instances))
        fleet.store = try DeployerStore.inMemory()
        fleet.deploy(.v1)
        fleet.advance(.seconds(3600))
        let actives = (0..<instances).compactMap { fleet.active($0) }
        try fleet.restartDaemon(identifying: false)
        return (fleet, actives)
    }

    func position(of action: DeployerAction, in log: [DeployerAction]) -> Int? { log.firstIndex(of: action) }

    func position(ofAudit kind: String, client: ClientID, in log: [DeployerAction]) -> Int? {
        log.firstIndex { if case .audit(let entry) = $0 { entry.kind == kind && entry.client == client } else { false } }
    }

    @Test func silentActivesAreShownUnconfirmedWithTheirDeadline() throws {
        let (fleet, actives) = try Self.restartedSilently()
        for (index, active) in actives.enumerated() {
            let client = try #require(fleet.status.instances[index].active)
            #expect(client.id == active)
            #expect(client.state == "unconfirmed")
            #expect(client.confirmBy == fleet.now.addingTimeInterval(30))
        }
    }

    @Test func adoptedActivesThatNeverIdentifyAreReplacedOneAtATimeAfterTheirReplacementPassed() throws {
        var (fleet, actives) = try Self.restartedSilently()
        let mark = fleet.log.count
        fleet.advance(.seconds(300))
        let log = Array(fleet.log[mark...])
        let replacements = (0..<3).compactMap { fleet.active($0) }
        #expect(Set(replacements).isDisjoint(with: actives))
        #expect(fleet.activeRevisions == [.v1, .v1, .v1])
        for (old, new) in zip(actives, replacements) {
            let passed = try #require(position(ofAudit: "gate.passed", client: new, in: log))
            let coma = try #require(log.firstIndex { if case .send(old, .coma) = $0 { true } else { false } })
            let serving = try #require(log.firstIndex { if case .send(new, .processCommands) = $0 { true } else { false } })
            let stop = try #require(position(of: .stop(old), in: log))
            // The old one is stopped in the step that hands over to the new one, once it confirmed its coma.
            let confirmed = try #require(position(ofAudit: "handover.coma_confirmed", client: old, in: log))
            #expect(passed < coma && coma < confirmed && confirmed < stop && confirmed < serving,
                    "\(old) was stopped before \(new) served")
        }
        let started = log.compactMap { action -> (Int, String)? in
            guard case .audit(let entry) = action, entry.kind.hasPrefix("repair.") else { return nil }
            return (entry.instance ?? -1, entry.kind)
        }.filter { $0.1 == "repair.started" || $0.1 == "repair.finished" }
        #expect(started.map(\.1) == Array(repeating: ["repair.started", "repair.finished"], count: 3).flatMap { $0 },
                "one replacement at a time")
        let repairs = fleet.deployments.values.filter { $0.trigger == .repair }.sorted { $0.id < $1.id }
        #expect(repairs.count == 3)
        #expect(repairs.allSatisfy { $0.outcome == .succeeded })
        #expect(repairs[0].reason?.hasPrefix("\(actives[0]) reconnected after a daemon restart but sent no identify within 30 s") == true)
        #expect(repairs[0].reason?.hasSuffix("replaced by \(replacements[0])") == true)
        #expect(!fleet.audits("repair.wanted").isEmpty)
        #expect(fleet.log.contains { if case .notify(let notice) = $0 { notice.level == .warning } else { false } })
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
        let history = try #require(fleet.store).history()
        #expect(history.filter { $0.trigger == .repair }.count == 3)
    }

    @Test func anActiveThatNeverReconnectsIsStoppedOnlyAfterItsReplacementPassed() throws {
        var fleet = Fleet(.test(instances: 1))
        fleet.store = try DeployerStore.inMemory()
        fleet.deploy(.v1)
        fleet.advance(.seconds(3600))
        let lost = try #require(fleet.active(0))
        fleet.alive.remove(lost)
        try fleet.restartDaemon()
        #expect(fleet.status.instances[0].active?.state == "reconnecting")
        let mark = fleet.log.count
        fleet.advance(.seconds(30))
        let log = Array(fleet.log[mark...])
        let stop = try #require(position(of: .stop(lost), in: log))
        let replacement = try #require(fleet.launched.last)
        let passed = try #require(position(ofAudit: "gate.passed", client: replacement, in: log))
        #expect(passed < stop)
        #expect(fleet.active(0) == lost, "the old active keeps its slot until it has exited")
        fleet.send(.exited(lost, .signaled(signal: 15, coreDumped: false)))
        #expect(fleet.active(0) == replacement)
        #expect(fleet.commands(to: replacement).contains { if case .processCommands = $0 { true } else { false } })
        let repair = try #require(fleet.deployments.values.first { $0.trigger == .repair })
        #expect(repair.outcome == .succeeded)
        #expect(repair.reason?.hasPrefix("\(lost) did not reconnect within 30 s after a daemon restart") == true)
    }

    @Test func aReplacementThatFailsItsGateLeavesTheOldActiveServingAndIsRetriedThenGivenUp() throws {
        var (fleet, actives) = try Self.restartedSilently(instances: 1)
        fleet.bots[.v1] = .unhealthy
        fleet.advance(.seconds(600))
        #expect(fleet.active(0) == actives[0])
        #expect(!fleet.log.contains(.stop(actives[0])))
        #expect(!fleet.commands(to: actives[0]).contains { if case .coma = $0 { true } else { false } })
        let repairs = fleet.deployments.values.filter { $0.trigger == .repair }
        #expect(repairs.count == 3, "crash_loop attempts, then it gives up")
        #expect(repairs.allSatisfy { $0.outcome == .failed })
        #expect(repairs.allSatisfy { $0.reason?.contains("\(actives[0]) keeps serving") == true })
        #expect(fleet.log.contains { if case .notify(let notice) = $0 { notice.level == .critical } else { false } })
        #expect(fleet.status.instances[0].active?.state == "unconfirmed")
    }

    @Test func anActiveThatIdentifiesLateKeepsServingAndItsRepairEnds() throws {
        var (fleet, actives) = try Self.restartedSilently(instances: 1)
        fleet.bots[.v1] = Bot(readies: false)
        fleet.advance(.seconds(31))
        let replacement = try #require(fleet.status.instances[0].candidate?.id)
        fleet.send(.identified(actives[0]))
        #expect(fleet.active(0) == actives[0])
        #expect(fleet.status.instances[0].active?.state == "serving")
        #expect(fleet.log.contains(.stop(replacement)))
        let repair = try #require(fleet.deployments.values.first { $0.trigger == .repair })
        #expect(repair.outcome == .aborted)
        #expect(repair.reason?.hasSuffix("not needed: \(actives[0]) identified again") == true)
    }

    @Test func aReconnectWithoutIdentifyIsRepairedToo() throws {
        var fleet = Fleet.serving(.v1, .test(instances: 2))
        let active = try #require(fleet.active(1))
        fleet.send(.disconnected(active))
        fleet.send(.connect(active, key: fleet.keys[active] ?? ""))
        #expect(fleet.status.instances[1].active?.state == "unconfirmed")
        fleet.advance(.seconds(120))
        #expect(fleet.active(1) != active)
        #expect(fleet.active(0) != nil)
        let repair = try #require(fleet.deployments.values.first { $0.trigger == .repair })
        #expect(repair.reason?.hasPrefix("\(active) reconnected but sent no identify within 30 s") == true)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    @Test func aRepairInterruptedByARestartEndsFailedAndIsNotRolledBack() throws {
        var (fleet, _) = try Self.restartedSilently(instances: 1)
        fleet.bots[.v1] = Bot(readies: false)
        fleet.advance(.seconds(31))
        let repair = try #require(fleet.deployments.values.first { $0.trigger == .repair })
        #expect(repair.outcome == .running)
        try fleet.restartDaemon()
        let after = try #require(fleet.deployments[repair.id])
        #expect(after.outcome == .failed)
        #expect(after.reason?.hasSuffix("interrupted by a daemon restart") == true)
        #expect(fleet.status.state == .idle)
    }
}
