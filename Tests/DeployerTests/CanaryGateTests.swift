import Deployer
import Foundation
import FleetTypes
import Testing

/// Each way a canary's gate can fail, through the whole engine: the reason is named, the candidate is stopped,
/// the old active keeps serving, and the revision is marked bad.
@Suite struct CanaryGateTests {
    enum Failure: String, CaseIterable {
        case wrongKey, neverIdentifies, neverReady, neverReports, exits, disconnects, unhealthy, vitalCog, unasked
    }

    @Test(arguments: Failure.allCases)
    func aCanaryFailingItsGateIsRolledBackWithTheNamedReason(_ failure: Failure) throws {
        var settings = DeployerSettings.test()
        settings.health = HealthPolicy(vitalCogs: ["music"], minPercent: 50)
        var fleet = Fleet.serving(.v1, settings)
        let old = try #require(fleet.active(0))
        fleet.autopilot = false
        fleet.deploy(.v2)
        fleet.send(.releasePrepared(deployment: 2, result: .prepared(.v2)))
        let canary = ClientID(instance: 0, launch: 2)
        #expect(fleet.launched.last == canary)
        fleet.send(.launched(canary, pid: 9, startTime: 9))
        let key = fleet.keys[canary] ?? ""
        let expected: String
        switch failure {
        case .wrongKey:
            // Refused, and the gate runs on: the canary fails at its identify timeout, naming the refusal.
            fleet.send(.connect(canary, key: "not-the-key"))
            fleet.send(.connectionRefused(ConnectionRefusal(
                cause: .credentials, client: canary, peer: "127.0.0.1", why: "wrong key for shard-0.2 in the CONNECT auth")))
            fleet.advance(.seconds(30))
            expected = "identify_timeout (no identify within 30 s); 1 connection(s) were refused meanwhile, the latest "
                + "from 127.0.0.1: wrong key for shard-0.2 in the CONNECT auth"
        case .neverIdentifies:
            fleet.send(.connect(canary, key: key))
            fleet.advance(.seconds(30))
            expected = "identify_timeout (no identify within 30 s)"
        case .neverReady:
            fleet.send(.connect(canary, key: key))
            fleet.send(.identified(canary))
            fleet.advance(.seconds(120))
            expected = "ready_timeout (no ready within 120 s of hello)"
        case .neverReports:
            fleet.send(.connect(canary, key: key))
            fleet.send(.identified(canary))
            fleet.send(.ready(canary))
            fleet.advance(.seconds(30))
            expected = "health_check_timeout (no health report within 30 s)"
        case .exits:
            fleet.send(.connect(canary, key: key))
            fleet.send(.exited(canary, .exited(code: 3)))
            expected = "exited (exit code 3)"
        case .disconnects:
            fleet.send(.connect(canary, key: key))
            fleet.send(.identified(canary))
            fleet.send(.disconnected(canary))
            fleet.advance(.seconds(10))
            expected = "disconnected (disconnected and not back within 10 s)"
        case .unhealthy:
            fleet.pass(canary, report: HealthReport(ok: false, percent: 49, cogs: ["music": true]))
            expected = "health_check_failure (49.0%)"
        case .vitalCog:
            fleet.pass(canary, report: HealthReport(ok: false, percent: 100, cogs: ["music": false]))
            expected = "vital_cog_failure (music)"
        case .unasked:
            fleet.send(.connect(canary, key: key))
            fleet.send(.shutdownAnnounced(canary, reason: nil))
            expected = "unasked_shutdown"
        }
        let record = try #require(fleet.deployments[2])
        #expect(record.outcome == .rolledBack)
        #expect(record.reason == "instance 0 (shard-0.2): \(expected)")
        #expect(fleet.active(0) == old)
        #expect(fleet.log.contains(.stop(canary)) || failure == .exits)
        #expect(!fleet.commands(to: old).contains { $0.name == "coma" }, "the old active was never touched")
        #expect(fleet.engine.badRevisions[.v2]?.reason == record.reason)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }

    /// Anyone on the channel port can guess the next client id: a wrong key for it is refused and changes nothing,
    /// so no peer without the key can fail a deployment or get a revision marked bad.
    @Test func aWrongKeyForACandidateFromAnotherPeerNeitherFailsItsGateNorMarksTheRevisionBad() throws {
        var fleet = Fleet.serving(.v1, .test())
        fleet.autopilot = false
        fleet.deploy(.v2)
        fleet.send(.releasePrepared(deployment: 2, result: .prepared(.v2)))
        let canary = ClientID(instance: 0, launch: 2)
        fleet.send(.launched(canary, pid: 9, startTime: 9))
        let refused = fleet.send(.connect(canary, key: "a-guess"))
        #expect(refused.contains(.refuse(canary, reason: DeploymentEngine.wrongKey)))
        #expect(fleet.deployments[2]?.outcome == .running)
        #expect(!fleet.log.contains(.stop(canary)))
        fleet.pass(canary)
        #expect(fleet.audits("gate.passed").contains { $0.client == canary }, "the real canary passed its gate")
        #expect(fleet.deployments[2]?.outcome == .running)
        #expect(fleet.engine.badRevisions[.v2] == nil)
        #expect(fleet.monitor.violations.isEmpty, "\(fleet.monitor.violations)")
    }
}
