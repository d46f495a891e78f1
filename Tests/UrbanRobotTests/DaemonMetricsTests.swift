import Deployer
import Foundation
import Synchronization
import Testing
@testable import UrbanRobot

@Suite("Daemon metrics")
struct DaemonMetricsTests {
    final class ManualClock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_795_000_000))
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
        func now() -> Date { time.withLock { $0 } }
    }

    static func record(_ id: Int, _ outcome: DeploymentOutcome, trigger: Trigger = .push) -> DeploymentRecord {
        var record = DeploymentRecord(id: id, request: DeploymentRequest(ref: "main", trigger: trigger), at: Date())
        record.outcome = outcome
        return record
    }

    static func audit(_ kind: String, client: String? = nil, detail: [String: String] = [:]) -> DeployerAction {
        .audit(AuditEntry(deployment: 1, time: Date(), kind: kind, instance: 0, client: client.map(ClientID.init(rawValue:)), detail: detail))
    }

    @Test("deployments by outcome (each once), rollbacks, handover gaps, gate phases, instances and sessions")
    func families() {
        let clock = ManualClock()
        let metrics = DaemonMetrics(now: { clock.now() }, channelSessions: { 4 })
        metrics.observe(.recordDeployment(Self.record(1, .running)))
        metrics.observe(.recordDeployment(Self.record(1, .succeeded)))
        metrics.observe(.recordDeployment(Self.record(1, .succeeded)))
        metrics.observe(.recordDeployment(Self.record(2, .rolledBack, trigger: .webhook)))
        metrics.observe(Self.audit("rollback.started", detail: ["outcome": "rolled-back"]))
        metrics.observe(Self.audit("handover.committed", client: "shard-0.2", detail: ["gap_seconds": "0.2"]))
        let id = ClientID(rawValue: "shard-0.2")
        metrics.observe(Self.audit("client.launch", client: "shard-0.2"))
        clock.advance(2)
        metrics.observe(.hello(id, processCommands: false))
        clock.advance(3)
        metrics.observe(.send(id, .healthCheck))
        clock.advance(0.5)
        metrics.observe(Self.audit("gate.passed", client: "shard-0.2"))
        let text = metrics.render(status: Fixtures.status)
        #expect(text.contains(#"urban_robot_deployments_total{outcome="succeeded",trigger="push"} 1"#))
        #expect(text.contains(#"urban_robot_deployments_total{outcome="rolled-back",trigger="webhook"} 1"#))
        #expect(!text.contains(#"outcome="running""#))
        #expect(text.contains("urban_robot_rollbacks_total 1"))
        #expect(text.contains("urban_robot_handover_gap_seconds_count 1"))
        #expect(text.contains(#"urban_robot_handover_gap_seconds_bucket{le="0.25"} 1"#))
        #expect(text.contains(#"urban_robot_gate_phase_seconds_sum{phase="identify"} 2.0"#))
        #expect(text.contains(#"urban_robot_gate_phase_seconds_sum{phase="ready"} 3.0"#))
        #expect(text.contains(#"urban_robot_gate_phase_seconds_sum{phase="health_check"} 0.5"#))
        #expect(text.contains(#"urban_robot_instances{role="active",state="serving"} 2.0"#))
        #expect(text.contains(#"urban_robot_instances{role="candidate",state="identifying"} 1.0"#))
        #expect(text.contains("urban_robot_channel_sessions 4.0"))
        var calm = Fixtures.status
        calm.instances[1].candidate = nil
        #expect(metrics.render(status: calm).contains(#"urban_robot_instances{role="candidate",state="identifying"} 0.0"#))
    }

    @Test("gate timer: phases in order only; a failure before the health check measures nothing; retired clients are forgotten")
    func gateTimer() {
        var timer = GatePhaseTimer()
        let start = Date(timeIntervalSince1970: 0)
        let id = ClientID(rawValue: "shard-1.3")
        let launch = Self.audit("client.launch", client: id.rawValue)
        #expect(timer.observe(.send(id, .healthCheck), now: start) == nil)
        #expect(timer.observe(launch, now: start) == nil)
        #expect(timer.observe(.send(id, .healthCheck), now: start) == nil)
        #expect(timer.observe(.hello(id, processCommands: false), now: start + 1) == .init(phase: "identify", seconds: 1))
        #expect(timer.observe(Self.audit("gate.failed", client: id.rawValue), now: start + 9) == nil)
        #expect(timer.count == 0)
        _ = timer.observe(launch, now: start)
        _ = timer.observe(Self.audit("client.retired", client: id.rawValue), now: start)
        #expect(timer.count == 0)
    }
}
