import AdminAPI
@testable import Deployer
@testable import FleetDaemon
@testable import FleetOperator
import FleetTypes
import Foundation
import Supervisor
import Testing

/// The `status --json` and `history --json` documents as the daemon makes them from the engine's plain values
/// (`StatusSnapshot+Engine`): every key, null, date and order pinned byte for byte, and where each client runs.
@Suite("Status document")
struct StatusDocumentTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-27T06:03:00Z")!
    static let a = Revision(Fixtures.revisionA)
    static let b = Revision(Fixtures.revisionB)

    /// Seconds after ``now``.
    static func at(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(seconds) }

    /// Two instances mid-deployment: instance 0 with an active and a standby, instance 1 with an active and a
    /// candidate without a pid yet; one bad mark, a failing store.
    static let engine = EngineStatus(
        state: .deploying, haltReason: nil, revision: nil, lastGood: GoodTag(revision: a, tag: "good/20261127T051300Z"),
        deployment: EngineStatus.Deployment(
            record: {
                var record = DeploymentRecord(id: 6, request: DeploymentRequest(ref: "main", trigger: .push), at: at(-181))
                record.outcome = .running
                record.startedAt = at(-180)
                return record
            }(),
            revision: b, phase: "bake", wave: 0, waves: 3, phaseEndsAt: at(120)),
        instances: [
            EngineStatus.Instance(
                instance: 0, epoch: 4,
                active: EngineStatus.Client(
                    id: ClientID(instance: 0, launch: 4), revision: b, pid: 4242, state: "serving", epoch: 4,
                    since: at(-120), confirmBy: nil, restarts: 0),
                standby: EngineStatus.Client(
                    id: ClientID(instance: 0, launch: 3), revision: a, pid: 4100, state: "standby", epoch: 3,
                    since: at(-3000), confirmBy: nil, restarts: nil),
                candidate: nil),
            EngineStatus.Instance(
                instance: 1, epoch: 2,
                active: EngineStatus.Client(
                    id: ClientID(instance: 1, launch: 2), revision: a, pid: 4101, state: "unconfirmed", epoch: 2,
                    since: at(-3000), confirmBy: at(24), restarts: 1),
                standby: nil,
                candidate: EngineStatus.Client(
                    id: ClientID(instance: 1, launch: 3), revision: b, pid: nil, state: "identifying", epoch: 2,
                    since: at(-60), confirmBy: nil, restarts: nil)),
        ],
        bad: [BadRevision(revision: Revision(String(repeating: "c", count: 40)), reason: "crash loop", markedAt: at(-600))],
        storeError: StoreOutage(error: "disk full", since: at(-5), pendingEvents: 2))

    /// A launch record of the swarm launcher: the container's pid on its node, and where it runs.
    static func swarmRecord(node: String = "worker-1") -> LaunchRecord {
        LaunchRecord(
            pid: 31337, processGroup: 31337, startTicks: 0, bootID: "", clientID: "shard-0.4", revision: b.rawValue,
            logPath: "/tmp/shard-0.4.log", launchedAt: at(-125).timeIntervalSince1970,
            location: ClientLocation(
                service: "urban-robot-fleet-0-shard-0.4", serviceID: "svc1", taskID: "task1", containerID: "c0ffee",
                nodeID: "node1", node: node))
    }

    static func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try StatusSnapshot.encoder.encode(value), as: UTF8.self)
    }

    @Test("the engine's status becomes the documented status --json, every key in order, dates in ISO 8601")
    func statusDocument() throws {
        let text = try Self.encoded(StatusSnapshot(Self.engine))
        let a = Fixtures.revisionA, b = Fixtures.revisionB, c = String(repeating: "c", count: 40)
        let expected = #"{"bad":[{"marked_at":"2026-11-27T05:53:00Z","reason":"crash loop","revision":"\#(c)"}],"#
            + #""deployment":{"id":6,"phase":"bake","phase_ends_at":"2026-11-27T06:05:00Z","ref":"main","#
            + #""revision":"\#(b)","started_at":"2026-11-27T06:00:00Z","trigger":"push","wave":0,"waves":3},"#
            + #""halt_reason":null,"instances":["#
            + #"{"active":{"client":"shard-0.4","confirm_by":null,"cpu_seconds":null,"epoch":4,"heartbeat":null,"#
            + #""launched_at":null,"pid":4242,"restarts":0,"revision":"\#(b)","rss_bytes":null,"#
            + #""since":"2026-11-27T06:01:00Z","state":"serving"},"candidate":null,"epoch":4,"instance":0,"#
            + #""standby":{"client":"shard-0.3","confirm_by":null,"cpu_seconds":null,"epoch":3,"heartbeat":null,"#
            + #""launched_at":null,"pid":4100,"restarts":null,"revision":"\#(a)","rss_bytes":null,"#
            + #""since":"2026-11-27T05:13:00Z","state":"standby"}},"#
            + #"{"active":{"client":"shard-1.2","confirm_by":"2026-11-27T06:03:24Z","cpu_seconds":null,"epoch":2,"#
            + #""heartbeat":null,"launched_at":null,"pid":4101,"restarts":1,"revision":"\#(a)","rss_bytes":null,"#
            + #""since":"2026-11-27T05:13:00Z","state":"unconfirmed"},"#
            + #""candidate":{"client":"shard-1.3","confirm_by":null,"cpu_seconds":null,"epoch":2,"heartbeat":null,"#
            + #""launched_at":null,"pid":null,"restarts":null,"revision":"\#(b)","rss_bytes":null,"#
            + #""since":"2026-11-27T06:02:00Z","state":"identifying"},"epoch":2,"instance":1,"standby":null}],"#
            + #""last_good":{"revision":"\#(a)","tag":"good\/20261127T051300Z"},"revision":null,"state":"deploying","#
            + #""store_error":{"error":"disk full","pending_events":2,"since":"2026-11-27T06:02:55Z"}}"#
        #expect(text == expected)
        // What the CLI reads back is what the daemon wrote.
        let decoded = try Fixtures.decoder.decode(StatusSnapshot.self, from: Data(text.utf8))
        #expect(decoded == StatusSnapshot(Self.engine))
    }

    @Test("a deployment row becomes the documented history --json entry; a ref that never resolved stands for its revision")
    func historyDocument() throws {
        var record = DeploymentRecord(
            id: 4, request: DeploymentRequest(ref: "cafe", trigger: .webhook, who: "delivery-1"), at: Self.at(-7200))
        record.outcome = .failed
        record.reason = "revision cafe not found"
        record.finishedAt = Self.at(-7198)
        #expect(try Self.encoded(HistoryEntry(record)) == #"{"finished_at":"2026-11-27T04:03:02Z","id":4,"#
            + #""outcome":"failed","reason":"revision cafe not found","revision":"cafe","#
            + #""started_at":"2026-11-27T04:03:00Z","trigger":"webhook"}"#)
        record.revision = Self.b
        record.startedAt = Self.at(-7199)
        record.outcome = .rolledBack
        let entry = HistoryEntry(record)
        #expect(entry.revision == Fixtures.revisionB)
        #expect(entry.startedAt == Self.at(-7199))
        #expect(try Self.encoded(entry).contains(#""outcome":"rolled-back""#))
    }

    @Test("a client of the swarm launcher shows its node, task and container and no pid; a local one none of them")
    func placedClients() throws {
        var status = StatusSnapshot(Self.engine)
        var active = try #require(status.instances[0].active)
        active.place(Self.swarmRecord())
        #expect(active.pid == nil, "the container's pid on its node means nothing here")
        #expect(active.node == "worker-1")
        #expect(active.task == "task1")
        #expect(active.container == "c0ffee")
        let text = try Self.encoded(active)
        #expect(text.contains(#""container":"c0ffee","#), "\(text)")
        #expect(text.contains(#""node":"worker-1","#), "\(text)")
        #expect(text.contains(#""pid":null,"#), "\(text)")
        #expect(text.contains(#""task":"task1"}"#), "\(text)")
        #expect(try Fixtures.decoder.decode(StatusSnapshot.Client.self, from: Data(text.utf8)) == active)

        // A node whose host name is unknown is named by its id.
        var unnamed = try #require(status.instances[0].active)
        unnamed.place(Self.swarmRecord(node: ""))
        #expect(unnamed.node == "node1")

        // A local process keeps its pid and has no location keys at all.
        var local = try #require(status.instances[0].standby)
        local.place(LaunchRecord(
            pid: 4100, processGroup: 4100, startTicks: 77, bootID: "boot", clientID: "shard-0.3",
            revision: Fixtures.revisionA, logPath: "/tmp/shard-0.3.log", launchedAt: 0))
        #expect(local.pid == 4100)
        #expect(local.node == nil && local.task == nil && local.container == nil)
        let localText = try Self.encoded(local)
        #expect(!localText.contains("node") && !localText.contains("task") && !localText.contains("container"))

        status.instances[0].active = active
        #expect(try Self.encoded(status).contains(#""node":"worker-1""#))
    }

    @Test("the status table has a NODE column only when some client runs on a node")
    func nodeColumn() throws {
        var status = StatusSnapshot(Self.engine)
        status.storeError = nil
        #expect(!StatusTable.render(status, now: Self.now).contains("NODE"))
        status.instances[0].active?.place(Self.swarmRecord())
        var record = Self.swarmRecord(node: "a-node-with-a-rather-long-host-name")
        record.location?.taskID = "task2"
        status.instances[1].active?.place(record)
        let lines = StatusTable.render(status, now: Self.now).split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("INST") })
        #expect(lines[header] == "INST  ROLE       CLIENT     REVISION  PID   NODE                  STATE            AGE     HEARTBEAT")
        #expect(lines[header + 1] == "0     active     shard-0.4  bbbbbbbb  -     worker-1              serving          2m00s   -")
        #expect(lines[header + 2] == "0     standby    shard-0.3  aaaaaaaa  4100  -                     standby          50m00s  -")
        #expect(lines[header + 3] == "1     active     shard-1.2  aaaaaaaa  -     a-node-with-a-rathe~  unconfirmed 24s  50m00s  -")
    }

    @Test("/metrics labels the series of a client on a node with the node")
    func nodeLabel() throws {
        let metrics = DaemonMetrics(now: { Self.now }, channelSessions: { 0 })
        var status = StatusSnapshot(Self.engine)
        status.instances[0].active?.place(Self.swarmRecord())
        let text = metrics.render(status: status)
        #expect(text.contains(#"urban_robot_client_up{instance="0",role="active",client="shard-0.4",node="worker-1"} 1.0"#),
                "\(text)")
        #expect(text.contains(#"urban_robot_client_up{instance="0",role="standby",client="shard-0.3"} 0.0"#), "\(text)")
    }
}
