@testable import Deployer
import FleetTypes
import Foundation
import GRDB
import Testing

/// Audit events are typed, and stored under the names and particulars the trail always had: every kind reads back
/// as written, and a database written before they were typed reads as typed events.
@Suite struct AuditEventTests {
    static let revision = Revision(rawValue: String(repeating: "a", count: 40))
    static let other = Revision(rawValue: String(repeating: "b", count: 40))
    static let client = ClientID(rawValue: "shard-0.2")

    /// One event of each kind, with particulars of every type (optional ones both set and not).
    static let samples: [AuditEvent] = [
        .deploymentStarted(ref: "main", trigger: .push, who: "push:alice"),
        .deploymentStarted(ref: nil, trigger: .rollback, who: "cli:bob"),
        .deploymentQueued, .deploymentReplaced(by: 7),
        .deploymentDuplicate(ref: "main", trigger: .webhook, who: "webhook", answer: "main is already queued (#7)"),
        .deploymentRefused(reason: "halted"), .deploymentInterrupted(revision: revision), .deploymentInterrupted(revision: nil),
        .deploymentFinished(outcome: .rolledBack, reason: "gate failed"), .deploymentFinished(outcome: .succeeded, reason: nil),
        .releasePrepared(revision: revision), .releaseFailed(message: "build failed"),
        .rolloutWave(wave: 1, instances: [1, 2]), .rolloutBake(wave: 0, seconds: 300), .rolloutPaused(why: "pause_after_canary"),
        .rolloutWatch(seconds: 0), .launchQueued(revision: revision, purpose: "rollout", delaySeconds: 1.5),
        .clientLaunch(revision: revision, purpose: "restart"), .clientLaunched(pid: 4242), .clientConnected,
        .clientRefused(why: "wrong key"), .clientUnmanaged, .clientReadmitted(epoch: 3), .clientDisconnected,
        .clientLost(role: .active), .clientExited(exit: .exited(code: 1), role: .candidate), .clientExited(exit: .signaled(signal: 9, coreDumped: false), role: .active),
        .clientExited(exit: .unknown, role: .standby),
        .clientRetired(reason: "superseded"), .clientUnaskedShutdown(reason: ""), .healthReport(ok: false, percent: 40),
        .healthProbePassed, .gatePassed(revision: revision), .gateFailed(reason: "no identify within 30 s", revision: revision),
        .activeFailed(reason: "disconnected"), .instanceCrashLoop(revision: revision, exits: 5),
        .handoverStarted(old: client, epoch: 4, reason: "rollout"), .handoverStarted(old: nil, epoch: 1, reason: "rollout"),
        .handoverComaConfirmed, .handoverComaTimeout,
        .handoverCommitted(epoch: 4, old: client, gapSeconds: 0.25, sinceComaSeconds: 0.125),
        .handoverCommitted(epoch: 1, old: nil, gapSeconds: 0, sinceComaSeconds: nil), .handoverAbandoned,
        .rollbackStarted(outcome: .aborted, reason: "aborted by an operator", targets: [revision, other]),
        .rollbackStarted(outcome: .rolledBack, reason: "gate failed", targets: []), .rollbackStandby,
        .rollbackPrepare(revision: other), .rollbackTargetReady(revision: other),
        .rollbackTargetFailed(revision: other, message: "fetch failed"), .rollbackTargetFailed(revision: nil, message: "none"),
        .rollbackTargetRejected(revision: other, reason: "crashed"),
        .revisionUnmarkedBad(revision: revision, deployment: 9, was: "gate failed"),
        .revisionNotMarkedBad(revision: revision, why: "the channel was shedding connections"), .daemonHalted(reason: "crash loop"),
        .revisionTaggedGood(revision: revision, tag: "good/20261127T061500Z"),
        .operatorAbort, .operatorAbortIgnored(why: "no deployment runs"), .operatorPromote,
        .operatorPromoteIgnored(why: "no deployment runs"), .operatorResume(was: "crash loop"), .operatorResume(was: nil),
        .channelRefused(cause: .shedding, peer: "127.0.0.1:5000", why: "session limit reached", count: 12),
        .repairWanted(reason: "silent"), .repairClosed(why: "gone"), .repairStarted(reason: "silent", attempt: 2),
        .repairFinished(outcome: .failed, reason: "gate failed"), .repairFinished(outcome: .succeeded, reason: nil),
        .performed(.admit), .performed(.refuse(reason: "wrong key")), .performed(.hello(processCommands: true)),
        .performed(.send(name: "coma", command: "coma(reason: \"handover\", epoch: 4)")), .performed(.launch(revision: revision)),
        .performed(.stop), .performed(.prepareRelease(ref: "main")), .performed(.tagGood(revision: revision, deployment: 3)),
        .performed(.markBad(revision: revision, reason: "gate failed")), .performed(.unmarkBad(revision: revision, deployment: 9)),
        .performed(.retainReleases(keep: [other, revision])), .performed(.notify(level: .critical, message: "halted")),
        .performed(.recordDeployment(outcome: .running)),
    ]

    @Test func everyKindReadsBackAsWritten() {
        for event in Self.samples {
            #expect(AuditEvent(kind: event.kind, detail: event.detail) == event, "\(event.kind) \(event.detail)")
            if case .unrecognized = event { Issue.record("a sample is unrecognized: \(event)") }
        }
    }

    @Test func particularsAreWrittenAsTheTrailAlwaysHadThem() {
        #expect(AuditEvent.rolloutWave(wave: 1, instances: [1, 2]).detail == ["wave": "1", "instances": "1,2"])
        #expect(AuditEvent.rolloutBake(wave: 0, seconds: 300).detail == ["wave": "0", "seconds": "300.0"])
        #expect(AuditEvent.handoverCommitted(epoch: 1, old: nil, gapSeconds: 0, sinceComaSeconds: nil).detail
            == ["epoch": "1", "old": "", "gap_seconds": "0.0", "since_coma_seconds": ""])
        #expect(AuditEvent.clientExited(exit: .signaled(signal: 9, coreDumped: false), role: .active).detail == ["exit": "signal 9", "role": "active"])
        #expect(AuditEvent.performed(.send(name: "health_check", command: "healthCheck")).kind == "action.cmd.health_check")
    }

    @Test func anUnknownKindOrAnUnreadableParticularIsKeptAsStored() {
        #expect(AuditEvent(kind: "gate.phase", detail: ["phase": "ready"])
            == .unrecognized(kind: "gate.phase", detail: ["phase": "ready"]))
        let unreadable = AuditEvent(kind: "rollout.wave", detail: ["wave": "first", "instances": "0"])
        #expect(unreadable == .unrecognized(kind: "rollout.wave", detail: ["wave": "first", "instances": "0"]))
        #expect(unreadable.kind == "rollout.wave" && unreadable.detail["wave"] == "first")
        #expect(AuditEvent(kind: "client.lost", detail: ["role": "owner"]) == .unrecognized(kind: "client.lost", detail: ["role": "owner"]))
    }

    /// Rows as the store wrote them before events were typed (`kind` and the `detail` JSON), read back typed.
    @Test func aDatabaseWrittenBeforeTypedEventsReadsAsTyped() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        _ = try DeployerStore(path: path)
        let rows: [(kind: String, instance: Int?, client: String?, detail: String)] = [
            ("deployment.started", nil, nil, #"{"ref":"","trigger":"rollback","who":"cli:bob"}"#),
            ("rollout.wave", nil, nil, #"{"wave":"0","instances":"0"}"#),
            ("gate.failed", 0, "shard-0.2", #"{"reason":"no identify within 30 s","revision":"\#(Self.revision)"}"#),
            ("handover.committed", 0, "shard-0.2", #"{"epoch":"4","old":"shard-0.1","gap_seconds":"0.5","since_coma_seconds":""}"#),
            ("client.exited", 0, "shard-0.1", #"{"exit":"status 0","role":"retiring"}"#),
            ("action.cmd.coma", nil, "shard-0.1", #"{"command":"coma(reason: \"handover\", epoch: 4)"}"#),
            ("bake.started", nil, nil, #"{"seconds":"300.0"}"#),
        ]
        let database = try DatabaseQueue(path: path)
        try database.write { db in
            for row in rows {
                try db.execute(
                    sql: "INSERT INTO events (deployment_id, time, kind, instance, client, detail) VALUES (NULL, ?, ?, ?, ?, ?)",
                    arguments: ["2026-11-27 06:02:48.000", row.kind, row.instance, row.client, row.detail])
            }
        }
        let store = try DeployerStore(path: path)
        let entries = try store.events(deployment: nil)
        #expect(entries.map(\.event) == [
            .deploymentStarted(ref: nil, trigger: .rollback, who: "cli:bob"),
            .rolloutWave(wave: 0, instances: [0]),
            .gateFailed(reason: "no identify within 30 s", revision: Self.revision),
            .handoverCommitted(epoch: 4, old: ClientID(rawValue: "shard-0.1"), gapSeconds: 0.5, sinceComaSeconds: nil),
            .clientExited(exit: .exited(code: 0), role: .retiring),
            .performed(.send(name: "coma", command: "coma(reason: \"handover\", epoch: 4)")),
            .unrecognized(kind: "bake.started", detail: ["seconds": "300.0"]),
        ])
        #expect(entries.map(\.kind) == rows.map(\.kind), "the stored names are kept")
        #expect(entries[2].client == Self.client && entries[2].instance == 0)
    }
}
