import Deployer
import Foundation
import FleetTypes
import Testing

@Suite struct GateTests {
    let start = Date(timeIntervalSince1970: 1_000)
    let settings = DeployerSettings(
        health: HealthPolicy(vitalCogs: ["music"]), identifyTimeout: .seconds(30), readyTimeout: .seconds(120),
        checkTimeout: .seconds(30), reconnectGrace: .seconds(10)
    )

    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    @Test func aHealthyClientPassesEveryPhaseInOrder() {
        var gate = Gate(launchedAt: start, settings: settings)
        gate.connected(now: at(1))
        #expect(gate.ready(now: at(1)).isEmpty, "ready before identify is ignored")
        #expect(gate.identified(now: at(2)) == [.sendHello])
        #expect(gate.phase == .awaitingReady)
        #expect(gate.ready(now: at(3)) == [.sendHealthCheck])
        #expect(gate.report(.healthy) == [.passed])
        #expect(gate.isFinished)
        #expect(gate.nextDeadline == nil)
    }

    @Test(arguments: [
        (phase: 0, expected: FailureReason.identifyTimeout),
        (phase: 1, expected: FailureReason.readyTimeout),
        (phase: 2, expected: FailureReason.healthCheckTimeout),
    ])
    func eachPhaseTimesOutWithItsReason(phase: Int, expected: FailureReason) {
        var gate = Gate(launchedAt: start, settings: settings)
        if phase >= 1 { _ = gate.identified(now: at(1)) }
        if phase >= 2 { _ = gate.ready(now: at(2)) }
        let deadline = gate.nextDeadline!
        #expect(gate.tick(now: deadline.addingTimeInterval(-0.001)).isEmpty)
        #expect(gate.tick(now: deadline) == [.failed(expected)])
        #expect(gate.phase == .failed(expected))
    }

    @Test func theIdentifyTimeoutCountsFromTheLaunch() {
        let gate = Gate(launchedAt: start, settings: settings)
        #expect(gate.nextDeadline == at(30))
    }

    @Test(arguments: [0, 1, 2])
    func anExitFailsEachPhaseWithItsStatus(phase: Int) {
        var gate = Gate(launchedAt: start, settings: settings)
        if phase >= 1 { _ = gate.identified(now: at(1)) }
        if phase >= 2 { _ = gate.ready(now: at(2)) }
        #expect(gate.exited(.exited(code: 2)) == [.failed(.exited(.exited(code: 2)))])
        #expect(gate.exited(.exited(code: 2)).isEmpty, "a second verdict is never given")
    }

    @Test(arguments: [0, 1, 2])
    func aDisconnectPastTheGraceFailsEachPhase(phase: Int) {
        var gate = Gate(launchedAt: start, settings: settings)
        if phase >= 1 { _ = gate.identified(now: at(1)) }
        if phase >= 2 { _ = gate.ready(now: at(2)) }
        gate.disconnected(now: at(3))
        #expect(gate.tick(now: at(12.9)).isEmpty)
        #expect(gate.tick(now: at(13)) == [.failed(.disconnected)])
    }

    @Test func aReconnectWithinTheGraceResumesFromIdentify() {
        var gate = Gate(launchedAt: start, settings: settings)
        _ = gate.identified(now: at(1))
        _ = gate.ready(now: at(2))
        gate.disconnected(now: at(3))
        #expect(gate.report(.healthy).isEmpty, "nothing counts while disconnected")
        gate.connected(now: at(8))
        #expect(gate.phase == .awaitingIdentify)
        #expect(gate.tick(now: at(20)).isEmpty, "the grace is over once reconnected")
        #expect(gate.identified(now: at(9)) == [.sendHello])
        #expect(gate.ready(now: at(10)) == [.sendHealthCheck])
        #expect(gate.report(.healthy) == [.passed])
    }

    @Test func anUnhealthyReportFailsWithThePolicysReason() {
        var gate = Gate(launchedAt: start, settings: settings)
        _ = gate.identified(now: at(1))
        _ = gate.ready(now: at(2))
        #expect(gate.report(HealthReport(ok: false, percent: 100, cogs: [:])) == [.failed(.vitalCogFailure(cogs: ["music"]))])
    }

    @Test func lateAndDuplicateMessagesAreIgnored() {
        var gate = Gate(launchedAt: start, settings: settings)
        _ = gate.identified(now: at(1))
        #expect(gate.identified(now: at(1.5)).isEmpty)
        _ = gate.ready(now: at(2))
        #expect(gate.ready(now: at(2.5)).isEmpty)
        _ = gate.report(.healthy)
        #expect(gate.report(HealthReport(ok: false, percent: 0)).isEmpty)
        #expect(gate.tick(now: at(1000)).isEmpty)
        #expect(gate.phase == .passed)
    }

    @Test func unauthorizedFailsTheGate() {
        var gate = Gate(launchedAt: start, settings: settings)
        #expect(gate.fail(.unauthorized) == [.failed(.unauthorized)])
    }
}
