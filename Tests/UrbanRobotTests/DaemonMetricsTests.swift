import AdminAPI
import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Synchronization
import Testing

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

    @Test("the handover gap runs from coma sent to the old active until process_commands to the new one, a coma that never came included")
    func handoverGapFromComa() {
        let metrics = DaemonMetrics(channelSessions: { 0 })
        // The old active never confirmed coma: it was stopped at the coma timeout, 0.1 s before the commit, but
        // the instance had no serving active for the 3.2 s since coma was sent.
        metrics.observe(Self.audit("handover.committed", client: "shard-0.2", detail: ["gap_seconds": "0.1", "since_coma_seconds": "3.2"]))
        // No old active, so no coma: the gap since the old one stopped.
        metrics.observe(Self.audit("handover.committed", client: "shard-1.1", detail: ["gap_seconds": "0.02", "since_coma_seconds": ""]))
        let text = metrics.render(status: Fixtures.status)
        #expect(text.contains("urban_robot_handover_gap_seconds_count 2"))
        #expect(text.contains(#"urban_robot_handover_gap_seconds_bucket{le="0.05"} 1"#))
        #expect(text.contains(#"urban_robot_handover_gap_seconds_bucket{le="2.5"} 1"#))
        #expect(text.contains(#"urban_robot_handover_gap_seconds_bucket{le="5.0"} 2"#))
    }

    @Test("status gauges: halted, state, revision, and per client up, heartbeat age, guilds, latency; gone clients lose their series")
    func statusGauges() throws {
        let clock = ManualClock()
        clock.time.withLock { $0 = try! Date("2026-11-27T06:03:00Z", strategy: .iso8601) }
        let metrics = DaemonMetrics(now: { clock.now() }, channelSessions: { 0 })
        var status = Fixtures.status
        status.revision = Revision(Fixtures.revisionA)
        let text = metrics.render(status: status)
        #expect(text.contains("urban_robot_halted 0.0"))
        #expect(text.contains("urban_robot_store_failing 0.0"))
        #expect(text.contains(#"urban_robot_state{state="deploying"} 1.0"#))
        #expect(text.contains(#"urban_robot_state{state="halted"} 0.0"#))
        #expect(text.contains(#"urban_robot_revision_info{revision="\#(Fixtures.revisionA)"} 1.0"#))
        let active = #"instance="0",role="active",client="shard-0.4""#
        #expect(text.contains("urban_robot_client_up{\(active)} 1.0"))
        #expect(text.contains("urban_robot_client_heartbeat_age_seconds{\(active)} 12.0"))
        #expect(text.contains("urban_robot_client_guilds{\(active)} 1500.0"))
        #expect(text.contains("urban_robot_client_gateway_latency_seconds{\(active)} 0.042"))
        #expect(text.contains(#"urban_robot_client_up{instance="1",role="candidate",client="shard-1.3"} 0.0"#))
        #expect(!text.contains(#"urban_robot_client_heartbeat_age_seconds{instance="1""#))
        // The fixture's clients carry no usage (their launcher reported none): no usage series.
        #expect(!text.contains("urban_robot_client_resident_memory_bytes"))
        #expect(!text.contains("urban_robot_client_cpu_seconds"))
        #expect(!text.contains("urban_robot_client_restarts"), "no client has a restart count in the fixture")
        var own = status
        own.instances[0].active?.rssBytes = 25_000_000
        own.instances[0].active?.cpuSeconds = 1.5
        own.instances[0].active?.restarts = 3
        let withUsage = metrics.render(status: own)
        #expect(withUsage.contains("urban_robot_client_resident_memory_bytes{\(active)} 25000000.0"))
        #expect(withUsage.contains("urban_robot_client_cpu_seconds{\(active)} 1.5"))
        #expect(withUsage.contains("urban_robot_client_restarts{\(active)} 3.0"))

        status.state = .halted
        status.storeError = StatusSnapshot.StoreError(error: "disk full", since: clock.now(), pendingEvents: 2)
        status.revision = Revision(Fixtures.revisionB)
        status.instances[1].candidate = nil
        let later = metrics.render(status: status)
        #expect(later.contains("urban_robot_halted 1.0"))
        #expect(later.contains("urban_robot_store_failing 1.0"))
        #expect(later.contains(#"urban_robot_state{state="halted"} 1.0"#))
        #expect(later.contains(#"urban_robot_revision_info{revision="\#(Fixtures.revisionB)"} 1.0"#))
        #expect(!later.contains(Fixtures.revisionA))
        #expect(!later.contains("shard-1.3"))
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
