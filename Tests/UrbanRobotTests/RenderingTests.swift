@testable import AdminAPI
import Deployer
@testable import FleetDaemon
@testable import FleetOperator
import FleetTypes
import Foundation
import Testing

@Suite("Rendering")
struct RenderingTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-27T06:03:00Z")!

    @Test("the status table: header lines and one row per client")
    func status() {
        let text = StatusTable.render(Fixtures.status, now: Self.now)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "state:      DEPLOYING")
        #expect(lines[1] == "revision:   mixed")
        #expect(lines[2] == "last good:  aaaaaaaaaaaa (good/20261127T051300Z)")
        #expect(lines[3] == "deployment: #6 push bbbbbbbbbbbb: bake, wave 1/3, 2m00s left")
        // With the stats the candidate's row would pass 80 columns: the heartbeat shows its age only.
        #expect(lines[5] == "INST  ROLE       CLIENT     REVISION  PID   STATE        AGE     HEARTBEAT")
        #expect(lines[6] == "0     active     shard-0.4  bbbbbbbb  4242  serving      2m00s   12s ago")
        #expect(lines[7] == "0     standby    shard-0.3  aaaaaaaa  4100  standby      50m00s  3m00s ago")
        #expect(lines[8] == "1     active     shard-1.2  aaaaaaaa  4101  serving      50m00s  -")
        #expect(lines[9] == "1     candidate  shard-1.3  bbbbbbbb  -     identifying  1m00s   -")
        #expect(lines.count == 10)
    }

    @Test("--wide adds the process's uptime, the active's restarts, its memory and CPU time; `-` when unknown")
    func wide() throws {
        var status = Fixtures.status
        status.instances[0].active?.launchedAt = Self.now.addingTimeInterval(-7_500)
        status.instances[0].active?.restarts = 2
        status.instances[0].active?.rssBytes = 50_541_773
        status.instances[0].active?.cpuSeconds = 65.2
        let lines = StatusTable.render(status, now: Self.now, wide: true).split(separator: "\n").map(String.init)
        #expect(lines[4] == "INST  ROLE       CLIENT     REVISION  PID   STATE        AGE     UPTIME  RESTARTS  RSS    CPU    HEARTBEAT")
        #expect(lines[5] == "0     active     shard-0.4  bbbbbbbb  4242  serving      2m00s   2h05m   2         48.2M  1m05s  12s ago 1500g 42ms")
        #expect(lines[6] == "0     standby    shard-0.3  aaaaaaaa  4100  standby      50m00s  -       -         -      -      3m00s ago")
        #expect(StatusTable.render(status, now: Self.now) == StatusTable.render(Fixtures.status, now: Self.now),
                "without --wide the table is as before")
    }

    @Test("a steady fleet of 3 instances shows guilds and latency within 80 columns")
    func heartbeatStats() throws {
        var status = Fixtures.status
        status.state = .idle
        status.deployment = nil
        let active = try #require(status.instances[0].active)
        let template = status.instances[0]
        status.instances = (0..<3).map { index in
            var instance = template
            instance.instance = index
            instance.active = active
            instance.active?.client = ClientID(rawValue: "shard-\(index).12")
            instance.active?.pid = 4_194_000 + Int32(index)
            instance.standby = nil
            return instance
        }
        let lines = StatusTable.render(status, now: Self.now).split(separator: "\n").map(String.init)
        #expect(lines.suffix(4) == [
            "INST  ROLE    CLIENT      REVISION  PID      STATE    AGE    HEARTBEAT",
            "0     active  shard-0.12  bbbbbbbb  4194000  serving  2m00s  12s ago 1500g 42ms",
            "1     active  shard-1.12  bbbbbbbb  4194001  serving  2m00s  12s ago 1500g 42ms",
            "2     active  shard-2.12  bbbbbbbb  4194002  serving  2m00s  12s ago 1500g 42ms",
        ])
        #expect(lines.allSatisfy { $0.count <= StatusTable.lineWidth }, "\(lines)")
    }

    @Test("the heartbeat cell: age, then guilds and latency when sent; other stats only in JSON; - when none")
    func heartbeatCell() {
        let at = Self.now.addingTimeInterval(-75)
        func cell(_ stats: [String: JSONValue], withStats: Bool = true) -> String {
            StatusTable.heartbeatCell(StatusSnapshot.Heartbeat(at: at, stats: stats), now: Self.now, withStats: withStats)
        }
        #expect(StatusTable.heartbeatCell(nil, now: Self.now, withStats: true) == "-")
        #expect(cell([:]) == "1m15s ago")
        #expect(cell(["guilds": .number(12), "latency": .number(0.1234)]) == "1m15s ago 12g 123ms")
        #expect(cell(["guilds": .number(12), "latency": .number(0.1234)], withStats: false) == "1m15s ago")
        #expect(cell(["latency": .number(0.5), "cogs": .array([]), "simulated": .bool(true)]) == "1m15s ago 500ms")
        #expect(cell(["guilds": .number(2.5), "latency": .string("fast")]) == "1m15s ago 2.5g")
        #expect(cell(["guilds": .bool(true), "latency": .number(-1)]) == "1m15s ago")
        #expect(cell(["guilds": .string("1234567890")]) == "1m15s ago 12345678g", "a string is cut to 8 characters")
        #expect(StatusTable.heartbeatCell(StatusSnapshot.Heartbeat(at: Self.now.addingTimeInterval(3), stats: [:]),
                                          now: Self.now, withStats: true) == "0s ago")
    }

    @Test("what a bot sent cannot put escape sequences into the table")
    func sanitizing() throws {
        var status = Fixtures.status
        status.state = .halted
        status.haltReason = "shutdown: \u{1B}]0;owned\u{07}"
        status.instances[1].candidate = nil
        status.instances[0].active?.heartbeat?.stats["guilds"] = .string("\u{1B}[2J")
        status.instances[0].active?.client = ClientID(rawValue: "shard-0.4\u{9B}")
        let text = StatusTable.render(status, now: Self.now)
        #expect(text.contains("shard-0.4?") && text.contains("12s ago ?[2Jg 42ms"), "\(text)")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) },
                "\(text.debugDescription)")
        #expect(text.hasPrefix("state:      HALTED (shutdown: ?]0;owned?)"))
        #expect(TerminalText.sanitized("a\u{1B}[31mb\tc\r\nd\u{202E}e\u{7F}") == "a?[31mb?c??d?e?")
        #expect(TerminalText.sanitized("shard-0.4 ✅ ünïcode") == "shard-0.4 ✅ ünïcode")
    }

    @Test("one sanitized line per bad revision after the last good, within 80 columns; none without marks or when the JSON has no `bad`")
    func badRevisions() {
        #expect(Fixtures.status.bad.isEmpty, "a snapshot without `bad` decodes to none")
        var status = Fixtures.status
        status.bad = [
            StatusSnapshot.Bad(revision: Revision(Fixtures.revisionB), reason: "instance 0 (shard-0.2): health_check_failure (40.0%)",
                        markedAt: Self.now),
            StatusSnapshot.Bad(revision: Revision(String(repeating: "c", count: 40)),
                        reason: "instance 1 (shard-1.7): shutdown: \u{1B}[2J" + String(repeating: "x", count: 80),
                        markedAt: Self.now.addingTimeInterval(-60)),
        ]
        let lines = StatusTable.render(status, now: Self.now).split(separator: "\n").map(String.init)
        #expect(lines[2] == "last good:  aaaaaaaaaaaa (good/20261127T051300Z)")
        #expect(lines[3] == "bad:        bbbbbbbbbbbb (instance 0 (shard-0.2): health_check_failure (40.0%))")
        #expect(lines[4].hasPrefix("bad:        cccccccccccc (instance 1 (shard-1.7): shutdown: ?[2Jxxx"), "\(lines[4])")
        #expect(lines[4].count == StatusTable.lineWidth && lines[4].hasSuffix("x...)"), "\(lines[4])")
        #expect(lines[5].hasPrefix("deployment: #6"))
    }

    @Test("a halted, idle fleet without clients")
    func halted() {
        var status = Fixtures.status
        status.state = .halted
        status.haltReason = "3 automatic rollbacks in an hour"
        status.revision = Revision(Fixtures.revisionA)
        status.deployment = nil
        status.lastGood = nil
        status.instances[1].active = nil
        status.instances[1].candidate = nil
        let lines = StatusTable.render(status, now: Self.now).split(separator: "\n").map(String.init)
        #expect(lines[0] == "state:      HALTED (3 automatic rollbacks in an hour)")
        #expect(lines[1] == "revision:   aaaaaaaaaaaa")
        #expect(lines[2] == "last good:  none")
        #expect(lines[3] == "deployment: none")
        #expect(lines.last?.hasPrefix("1     -") == true)
        #expect(lines.last?.contains("no client") == true)
    }

    @Test("the history table")
    func history() {
        let lines = HistoryTable.render(Fixtures.history).split(separator: "\n").map(String.init)
        #expect(lines[0] == "ID  REVISION      TRIGGER  OUTCOME    STARTED (UTC)        TOOK    REASON")
        #expect(lines[1] == "6   bbbbbbbbbbbb  push     running    2026-11-27 06:00:00  -")
        #expect(lines[2] == "5   aaaaaaaaaaaa  cli      succeeded  2026-11-27 05:00:00  13m00s")
        #expect(lines[3] == "4   cafe          webhook  failed     2026-11-27 04:00:00  2s      revision cafe not found")
        #expect(HistoryTable.render([]) == "no deployments yet")
    }

    @Test("durations")
    func durations() {
        #expect(ElapsedText.duration(0) == "0s")
        #expect(ElapsedText.duration(59.6) == "1m00s")
        #expect(ElapsedText.duration(3725) == "1h02m")
        #expect(ElapsedText.duration(90000) == "1d01h")
        #expect(ElapsedText.duration(-5) == "0s")
    }

    @Test("progress: plain lines are the messages; the status line follows step, instance, gate phase and bake")
    func progress() {
        var display = ProgressDisplay(deployment: 6)
        let events = [
            Fixtures.event("deployment.started", "deployment #6 of main started (push)"),
            Fixtures.event("rollout.wave", "canary: instance 0", detail: ["wave": "0", "instances": "0"]),
            Fixtures.event("client.launch", "launching shard-0.5", instance: 0, client: "shard-0.5"),
            Fixtures.event("client.connected", "shard-0.5 connected", instance: 0, client: "shard-0.5"),
            Fixtures.event("rollout.bake", "baking for 5m", detail: ["seconds": "300.0"], at: 10),
        ]
        #expect(events.map(ProgressDisplay.plainLine) == events.map(\.message))
        for event in events.prefix(4) { display.apply(event) }
        #expect(display.statusLine(now: Self.now) == "#6 canary 1 · instance 0 shard-0.5 · gate: identifying")
        display.apply(events[4])
        let bakeStart = events[4].time
        #expect(display.statusLine(now: bakeStart.addingTimeInterval(48)) == "#6 bake 1 · instance 0 shard-0.5 · gate: identifying · bake 4m12s left")
        display.apply(status: Fixtures.status)
        #expect(display.wave == 1 && display.waves == 3 && display.step == "bake")
        display.apply(Fixtures.event(ProgressEvent.finishedKind, "deployment #6 rolled back",
                                     detail: ["outcome": "rolled-back", "reason": "canary failed its health check"]))
        #expect(display.outcome == "rolled-back")
        #expect(display.reason == "canary failed its health check")
        #expect(display.statusLine(now: Self.now) == "#6 rolled-back · instance 0 shard-0.5")
    }

    @Test("progress sentences: a rollback names its target, waves count from 1 as in status, an immediate deployment has no watch")
    func sentences() {
        func sentence(_ kind: String, _ detail: [String: String]) -> String {
            ProgressSentence.make(for: AuditEntry(deployment: 3, time: Self.now, kind: kind, detail: detail))
        }
        #expect(sentence("deployment.started", ["ref": "", "trigger": "rollback"])
            == "Deployment of the last good revision started (trigger rollback).")
        #expect(sentence("deployment.started", ["ref": "good/2026-11-27", "trigger": "rollback"])
            == "Deployment of good/2026-11-27 started (trigger rollback).")
        #expect(sentence("rollout.wave", ["wave": "0", "instances": "0"]) == "Rolling out wave 1.")
        #expect(sentence("rollout.bake", ["wave": "2", "seconds": "300.0"]) == "Baking wave 3.")
        #expect(sentence("rollout.watch", ["seconds": "0.0"]) == "No watch (immediate).")
        #expect(sentence("rollout.watch", ["seconds": "600.0"]) == "Watching the whole fleet for 10m00s.")
        #expect(ProgressSentence.make(for: AuditEntry(deployment: 3, time: Self.now, kind: "gate.failed", instance: 0, client: ClientID(rawValue: "shard-0.5"),
                                                      detail: ["reason": "no identify within 30 s", "revision": "bbbb"]))
            == "shard-0.5 failed its gate: no identify within 30 s.")
        #expect(sentence("rollout.paused", ["why": "pause_after_canary: `urban-robot promote` goes on, `abort` undoes it"])
            == "Paused after the canary's bake (pause_after_canary: `urban-robot promote` goes on, `abort` undoes it).")
    }
}

extension RenderingTests {
    @Test("an active not yet confirmed shows its state with the time left before it is replaced; a paused rollout says how to go on")
    func unconfirmedAndPaused() throws {
        var status = Fixtures.status
        var active = try #require(status.instances[1].active)
        active.state = "unconfirmed"
        active.confirmBy = Self.now.addingTimeInterval(24)
        status.instances[1].active = active
        status.deployment?.phase = "paused"
        status.deployment?.phaseEndsAt = nil
        let lines = StatusTable.render(status, now: Self.now).split(separator: "\n").map(String.init)
        #expect(lines.contains("deployment: #6 push bbbbbbbbbbbb: paused, wave 1/3 (`urban-robot promote` goes on)"))
        let row = try #require(lines.first { $0.contains("shard-1.2") })
        #expect(row.contains("unconfirmed 24s"), "\(row)")
        #expect(StatusTable.stateCell(try #require(status.instances[0].active), now: Self.now) == "serving")
    }

    @Test("a failing state store is said under the state, with how long and how many events wait")
    func failingStore() throws {
        var status = Fixtures.status
        #expect(!StatusTable.render(status, now: Self.now).contains("store:"))
        status.storeError = StatusSnapshot.StoreError(
            error: "query\u{1B}[2J: cannot record an engine step in the state database (cause: SQLite error 13: database or disk is full)",
            since: Self.now.addingTimeInterval(-65), pendingEvents: 3)
        let lines = StatusTable.render(status, now: Self.now).split(separator: "\n").map(String.init)
        let line = try #require(lines.first { $0.hasPrefix("store:") })
        #expect(line.hasPrefix("store:      FAILING for 1m05s, 3 events waiting: query?[2J: cannot record an"), "\(line)")
        #expect(line.count <= StatusTable.lineWidth && line.hasSuffix("..."), "\(line)")
        #expect(!line.contains("\u{1B}"))
        #expect(lines.firstIndex(of: line) == 1, "right under the state")
    }
}
