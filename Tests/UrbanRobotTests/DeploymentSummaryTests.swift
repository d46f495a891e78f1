@testable import AdminAPI
import Deployer
@testable import FleetDaemon
@testable import FleetOperator
import FleetTypes
import Foundation
import Synchronization
import Testing

/// `deploy`'s output without `--verbose`: one line per phase and wave and a closing summary, from the event stream
/// of a deployment as the daemon writes it (audit entries through ``ProgressHub/event(_:)``).
@Suite("Deployment summary", .serialized, .timeLimit(.minutes(2)))
struct DeploymentSummaryTests {
    /// The events of deployment #6 of revision `b…` across the waves `[0], [1], [2]`; with `failingWave`, that wave's
    /// candidate fails its health check and the touched instances are rolled back. Times are whole seconds, as the
    /// events' ISO 8601 times carry them.
    static func stream(failingWave: Int? = nil) -> [ProgressEvent] {
        var events: [ProgressEvent] = []
        var clock: TimeInterval = 0
        func add(_ kind: String, instance: Int? = nil, client: String? = nil, _ detail: [String: String] = [:], after seconds: TimeInterval = 0) {
            clock += seconds
            let entry = AuditEntry(deployment: 6, time: Date(timeIntervalSince1970: 1_795_000_000 + clock), kind: kind,
                                   instance: instance, client: client.map { ClientID(rawValue: $0) }, detail: detail)
            events.append(ProgressHub.event(entry))
        }
        add("deployment.queued")
        add("deployment.started", ["ref": "main", "trigger": "push", "who": "push:alice"])
        add("action.prepare_release", ["ref": "main"])
        add("release.prepared", ["revision": Fixtures.revisionB], after: 2)
        for wave in 0..<3 {
            add("rollout.wave", ["wave": "\(wave)", "instances": "\(wave)"])
            let client = "shard-\(wave).2"
            add("launch.queued", instance: wave, ["revision": Fixtures.revisionB])
            add("action.launch", instance: wave, client: client, ["revision": Fixtures.revisionB])
            add("client.launch", instance: wave, client: client)
            add("client.launched", instance: wave, client: client, ["pid": "\(4200 + wave)"])
            add("client.connected", instance: wave, client: client, after: 1)
            add("action.admit", client: client)
            add("action.hello", client: client, ["process_commands": "false"])
            add("action.cmd.health_check", client: client)
            if wave == failingWave {
                add("gate.failed", instance: wave, client: client,
                    ["reason": "no health report within 30 s", "revision": Fixtures.revisionB], after: 30)
                add("rollback.started", ["outcome": "rolled-back", "reason": "instance \(wave) (\(client)): no health report within 30 s",
                                         "targets": Fixtures.revisionA])
                for touched in 0..<wave {
                    add("rollback.standby", instance: touched, client: "shard-\(touched).1")
                    add("handover.committed", instance: touched, client: "shard-\(touched).1", ["epoch": "9", "old": "shard-\(touched).2"])
                }
                add("deployment.finished", ["outcome": "rolled-back", "reason": "instance \(wave) (\(client)): no health report within 30 s"])
                let finished = Fixtures.event(ProgressEvent.finishedKind, "deployment #6 rolled-back", instance: wave, client: client,
                                              detail: ["outcome": "rolled-back",
                                                       "reason": "instance \(wave) (\(client)): no health report within 30 s",
                                                       ProgressEvent.logTailKey: "starting\nTraceback (most recent call last):\nRuntimeError: no gateway\n"],
                                              at: clock + 1)
                return events + [finished]
            }
            add("health.report", instance: wave, client: client, ["ok": "true"], after: 1.0)
            add("gate.passed", instance: wave, client: client, ["revision": Fixtures.revisionB])
            add("handover.started", instance: wave, client: client, ["old": "shard-\(wave).1", "epoch": "5", "reason": "rollout"])
            add("action.cmd.coma", client: "shard-\(wave).1")
            add("handover.coma_confirmed", instance: wave, client: "shard-\(wave).1")
            add("action.cmd.process_commands", client: client)
            add("handover.committed", instance: wave, client: client, ["epoch": "5", "old": "shard-\(wave).1"])
            add("rollout.bake", ["wave": "\(wave)", "seconds": wave == 0 ? "300.0" : "0.0"], after: 1)
            if wave == 0 { clock += 300 }
        }
        add("rollout.watch", ["seconds": "600.0"])
        clock += 600
        add("action.tag_good", ["revision": Fixtures.revisionB, "tag": "good/20261127T061500Z"])
        add("deployment.finished", ["outcome": "succeeded", "reason": ""])
        return events + [Fixtures.event(ProgressEvent.finishedKind, "deployment #6 succeeded",
                                        detail: ["outcome": "succeeded", "reason": ""], at: clock + 1)]
    }

    static func follow(_ events: [ProgressEvent], verbose: Bool) async throws -> (DeploymentFollower.Result, [String]) {
        let control = TestDaemonControl()
        for event in events { control.emit(event) }
        let output = TextOutput()
        let result = try await AdminServerHarness.run(control: control) { server in
            try await DeploymentFollower(client: server.client, terminal: false, verbose: verbose) { output.write($0) }
                .follow(deployment: 6)
        }
        let lines = output.text.withLock { $0 }.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "", "the output ends with a newline")
        return (result, Array(lines.dropLast()))
    }

    @Test("a deployment across three waves: one line per phase and wave, then a summary with revision, waves and duration")
    func waves() async throws {
        let (result, lines) = try await Self.follow(Self.stream(), verbose: false)
        #expect(lines == [
            "Deployment of main started (trigger push).",
            "Release \(Fixtures.revisionB) is checked out and built.",
            "wave 1/3: shard-0.2 passed its gate (2s), handed over; baking 5m00s",
            "wave 2/3: shard-1.2 passed its gate (2s), handed over",
            "wave 3/3: shard-2.2 passed its gate (2s), handed over",
            "Watching the whole fleet for 10m00s.",
        ])
        #expect(result.succeeded)
        #expect(result.closingText(deployment: 6) == "deployment #6 succeeded (bbbbbbbbbbbb, 3/3 waves, 15m12s)\n")
    }

    @Test("--verbose prints every event's message, as before")
    func verbose() async throws {
        let events = Self.stream()
        let (result, lines) = try await Self.follow(events, verbose: true)
        #expect(lines == events.map(\.message))
        #expect(lines.count > 50, "\(lines.count) events")
        #expect(result.facts == "bbbbbbbbbbbb, 3/3 waves, 15m12s")
    }

    @Test("a failed wave is printed in full: the reason, the rollback, and under it the failing client's log tail")
    func failure() async throws {
        let (result, lines) = try await Self.follow(Self.stream(failingWave: 1), verbose: false)
        #expect(lines == [
            "Deployment of main started (trigger push).",
            "Release \(Fixtures.revisionB) is checked out and built.",
            "wave 1/3: shard-0.2 passed its gate (2s), handed over; baking 5m00s",
            "shard-1.2 failed its gate: no health report within 30 s.",
            "Rolling back.",
        ])
        #expect(result.closingText(deployment: 6) == """
            the last 3 lines of the log of shard-1.2 (instance 1):
              | starting
              | Traceback (most recent call last):
              | RuntimeError: no gateway
            deployment #6 rolled-back (bbbbbbbbbbbb, 2/3 waves, 5m37s, 1 instance rolled back): \
            instance 1 (shard-1.2): no health report within 30 s

            """)
    }
}
