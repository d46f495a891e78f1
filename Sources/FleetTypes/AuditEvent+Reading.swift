/// Reading an audit event back from its stored name and particulars.
extension AuditEvent {
    /// The event stored as `kind` with `detail`; ``unrecognized(kind:detail:)`` when the kind is unknown or a
    /// particular is missing or unreadable (nothing stored is lost: it still prints as stored).
    public init(kind: String, detail: [String: String]) {
        let text = StoredDetail(detail)
        do {
            self = try Self.read(kind, text) ?? .unrecognized(kind: kind, detail: detail)
        } catch {
            self = .unrecognized(kind: kind, detail: detail)
        }
    }

    /// One line per kind: a table, however long.
    private static func read(_ kind: String, _ text: StoredDetail) throws -> AuditEvent? {
        switch kind {
        case "deployment.started":
            return .deploymentStarted(ref: text.optional("ref"), trigger: try text.raw("trigger"), who: text["who"])
        case "deployment.queued": return .deploymentQueued
        case "deployment.replaced": return .deploymentReplaced(by: try text.value("by"))
        case "deployment.duplicate":
            return .deploymentDuplicate(
                ref: text.optional("ref"), trigger: try text.raw("trigger"), who: text["who"], answer: text["answer"]
            )
        case "deployment.refused": return .deploymentRefused(reason: text["reason"])
        case "deployment.interrupted":
            return .deploymentInterrupted(revision: text.optional("revision").map { Revision(rawValue: $0) })
        case "deployment.finished":
            return .deploymentFinished(outcome: try text.raw("outcome"), reason: text.optional("reason"))
        case "release.prepared": return .releasePrepared(revision: text.revision("revision"))
        case "release.failed": return .releaseFailed(message: text["message"])
        case "rollout.wave":
            return .rolloutWave(
                wave: try text.value("wave"), instances: try text.list("instances").map { try StoredDetail.value($0) }
            )
        case "rollout.bake": return .rolloutBake(wave: try text.value("wave"), seconds: try text.value("seconds"))
        case "rollout.paused": return .rolloutPaused(why: text["why"])
        case "rollout.watch": return .rolloutWatch(seconds: try text.value("seconds"))
        case "launch.queued":
            return .launchQueued(
                revision: text.revision("revision"), purpose: text["purpose"],
                delaySeconds: try text.value("delay_seconds")
            )
        case "client.launch": return .clientLaunch(revision: text.revision("revision"), purpose: text["purpose"])
        case "client.launched": return .clientLaunched(pid: try text.value("pid"))
        case "client.connected": return .clientConnected
        case "client.refused": return .clientRefused(why: text["why"])
        case "client.unmanaged": return .clientUnmanaged
        case "client.readmitted": return .clientReadmitted(epoch: try text.value("epoch"))
        case "client.disconnected": return .clientDisconnected
        case "client.lost": return .clientLost(role: try text.raw("role"))
        case "client.exited": return .clientExited(exit: try text.exit("exit"), role: try text.raw("role"))
        case "client.retired": return .clientRetired(reason: text["reason"])
        case "client.unasked_shutdown": return .clientUnaskedShutdown(reason: text["reason"])
        case "health.report": return .healthReport(ok: try text.value("ok"), percent: try text.value("percent"))
        case "health.probe_passed": return .healthProbePassed
        case "gate.passed": return .gatePassed(revision: text.revision("revision"))
        case "gate.failed": return .gateFailed(reason: text["reason"], revision: text.revision("revision"))
        case "active.failed": return .activeFailed(reason: text["reason"])
        case "instance.crash_loop":
            return .instanceCrashLoop(revision: text.revision("revision"), exits: try text.value("exits"))
        case "handover.started":
            return .handoverStarted(
                old: text.optional("old").map { ClientID(rawValue: $0) }, epoch: try text.value("epoch"),
                reason: text["reason"]
            )
        case "handover.coma_confirmed": return .handoverComaConfirmed
        case "handover.coma_timeout": return .handoverComaTimeout
        case "handover.committed":
            return .handoverCommitted(
                epoch: try text.value("epoch"), old: text.optional("old").map { ClientID(rawValue: $0) },
                gapSeconds: try text.value("gap_seconds"),
                sinceComaSeconds: try text.optional("since_coma_seconds").map { try StoredDetail.value($0) }
            )
        case "handover.abandoned": return .handoverAbandoned
        case "rollback.started":
            return .rollbackStarted(
                outcome: try text.raw("outcome"), reason: text["reason"],
                targets: text.list("targets").map { Revision(rawValue: $0) }
            )
        case "rollback.standby": return .rollbackStandby
        case "rollback.prepare": return .rollbackPrepare(revision: text.revision("revision"))
        case "rollback.target_ready": return .rollbackTargetReady(revision: text.revision("revision"))
        case "rollback.target_failed":
            return .rollbackTargetFailed(
                revision: text.optional("revision").map { Revision(rawValue: $0) }, message: text["message"]
            )
        case "rollback.target_rejected":
            return .rollbackTargetRejected(revision: text.revision("revision"), reason: text["reason"])
        case "revision.unmarked_bad":
            return .revisionUnmarkedBad(
                revision: text.revision("revision"), deployment: try text.value("deployment"), was: text["was"]
            )
        case "revision.tagged_good": return .revisionTaggedGood(revision: text.revision("revision"), tag: text["tag"])
        case "revision.not_marked_bad":
            return .revisionNotMarkedBad(revision: text.revision("revision"), why: text["why"])
        case "daemon.halted": return .daemonHalted(reason: text["reason"])
        case "operator.abort": return .operatorAbort
        case "operator.abort_ignored": return .operatorAbortIgnored(why: text["why"])
        case "operator.promote": return .operatorPromote
        case "operator.promote_ignored": return .operatorPromoteIgnored(why: text["why"])
        case "operator.resume": return .operatorResume(was: text.optional("was"))
        case "channel.refused":
            return .channelRefused(
                cause: try text.raw("cause"), peer: text["peer"], why: text["why"], count: try text.value("count")
            )
        case "repair.wanted": return .repairWanted(reason: text["reason"])
        case "repair.closed": return .repairClosed(why: text["why"])
        case "repair.started": return .repairStarted(reason: text["reason"], attempt: try text.value("attempt"))
        case "repair.finished":
            return .repairFinished(outcome: try text.raw("outcome"), reason: text.optional("reason"))
        default: return try PerformedAction.read(kind, text).map(AuditEvent.performed)
        }
    }
}

extension PerformedAction {
    static func read(_ kind: String, _ text: StoredDetail) throws -> PerformedAction? {
        switch kind {
        case "action.admit": return .admit
        case "action.refuse": return .refuse(reason: text["reason"])
        case "action.hello": return .hello(processCommands: try text.value("process_commands"))
        case "action.launch": return .launch(revision: text.revision("revision"))
        case "action.stop": return .stop
        case "action.prepare_release": return .prepareRelease(ref: text["ref"])
        case "action.tag_good":
            return .tagGood(revision: text.revision("revision"), deployment: try text.value("deployment"))
        case "action.mark_bad": return .markBad(revision: text.revision("revision"), reason: text["reason"])
        case "action.unmark_bad":
            return .unmarkBad(revision: text.revision("revision"), deployment: try text.value("deployment"))
        case "action.retain_releases": return .retainReleases(keep: text.list("keep").map { Revision(rawValue: $0) })
        case "action.notify": return .notify(level: try text.raw("level"), message: text["message"])
        case "action.record_deployment": return .recordDeployment(outcome: try text.raw("outcome"))
        case let kind where kind.hasPrefix(sendPrefix) && kind.count > sendPrefix.count:
            return .send(name: String(kind.dropFirst(sendPrefix.count)), command: text["command"])
        default: return nil
        }
    }
}

/// The particulars of a stored audit event, read field by field, as the engine wrote them. A missing particular
/// reads as empty (`""`, `0`, `false`, no items), as the trail's readers always took it; one that is there but does
/// not read as its type, or a missing or unknown name (outcome, trigger, role, cause, level), throws.
struct StoredDetail {
    /// A particular that does not read as its type.
    struct Unreadable: Error {}

    let detail: [String: String]

    init(_ detail: [String: String]) {
        self.detail = detail
    }

    /// A text particular.
    subscript(key: String) -> String {
        detail[key] ?? ""
    }

    /// An optional particular: `""` is nil.
    func optional(_ key: String) -> String? {
        detail[key].flatMap { $0.isEmpty ? nil : $0 }
    }

    func revision(_ key: String) -> Revision {
        Revision(rawValue: self[key])
    }

    /// A comma-separated list.
    func list(_ key: String) -> [String] {
        self[key].split(separator: ",").map(String.init)
    }

    /// A number or a boolean.
    func value<Value: LosslessStringConvertible & Zero>(_ key: String) throws -> Value {
        guard let text = detail[key] else { return .zero }
        return try Self.value(text)
    }

    static func value<Value: LosslessStringConvertible>(_ text: String) throws -> Value {
        guard let value = Value(text) else { throw Unreadable() }
        return value
    }

    func raw<Value: RawRepresentable<String>>(_ key: String) throws -> Value {
        guard let text = detail[key], let value = Value(rawValue: text) else { throw Unreadable() }
        return value
    }

    /// How a process ended, as ``AuditEvent/trailText(of:)`` writes it (`status 3`, `signal 9`, `status unknown`);
    /// missing: exit code 0.
    func exit(_ key: String) throws -> TerminationStatus {
        guard let text = detail[key] else { return .exited(code: 0) }
        if text == "status unknown" { return .unknown }
        let words = text.split(separator: " ")
        guard words.count == 2, let value = Int32(words[1]) else { throw Unreadable() }
        switch words[0] {
        case "status": return .exited(code: value)
        case "signal": return .signaled(signal: value, coreDumped: false)
        default: throw Unreadable()
        }
    }
}

/// What a missing numeric particular reads as.
protocol Zero {
    static var zero: Self { get }
}

extension Int: Zero {}
extension Int32: Zero {}
extension Double: Zero {}
extension Bool: Zero {
    static var zero: Bool { false }
}
