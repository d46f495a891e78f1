import Deployer
import Foundation
import Testing
@testable import UrbanRobot

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
        #expect(lines[5] == "INSTANCE  ROLE       CLIENT     REVISION      PID   STATE        EPOCH  SINCE")
        #expect(lines[6] == "0         active     shard-0.4  bbbbbbbbbbbb  4242  serving      4      2m00s ago")
        #expect(lines[7] == "0         standby    shard-0.3  aaaaaaaaaaaa  4100  standby      3      50m00s ago")
        #expect(lines[8] == "1         active     shard-1.2  aaaaaaaaaaaa  4101  serving      2      50m00s ago")
        #expect(lines[9] == "1         candidate  shard-1.3  bbbbbbbbbbbb  -     identifying  2      1m00s ago")
        #expect(lines.count == 10)
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
        #expect(lines.last?.hasPrefix("1         -") == true)
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
        #expect(StatusTable.duration(0) == "0s")
        #expect(StatusTable.duration(59.6) == "1m00s")
        #expect(StatusTable.duration(3725) == "1h02m")
        #expect(StatusTable.duration(90000) == "1d01h")
        #expect(StatusTable.duration(-5) == "0s")
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
}
