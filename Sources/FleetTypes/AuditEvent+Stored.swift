/// The stored form of an audit event: its stable name and its particulars as text (the `kind` and `detail` columns
/// of `state.sqlite`, and of the admin API's progress events).
extension AuditEvent {
    /// The stable name, e.g. `gate.passed`.
    public var kind: String { stored.kind }

    /// The particulars as text, e.g. `["revision": "<full id>"]`; an optional one absent is `""`.
    public var detail: [String: String] { stored.detail }

    private var stored: (kind: String, detail: [String: String]) {
        switch self {
        case .deploymentStarted(let ref, let trigger, let who):
            ("deployment.started", ["ref": ref ?? "", "trigger": trigger.rawValue, "who": who])
        case .deploymentQueued: ("deployment.queued", [:])
        case .deploymentReplaced(let by): ("deployment.replaced", ["by": "\(by)"])
        case .deploymentDuplicate(let ref, let trigger, let who, let answer):
            ("deployment.duplicate", ["ref": ref ?? "", "trigger": trigger.rawValue, "who": who, "answer": answer])
        case .deploymentRefused(let reason): ("deployment.refused", ["reason": reason])
        case .deploymentInterrupted(let revision): ("deployment.interrupted", ["revision": revision?.rawValue ?? ""])
        case .deploymentFinished(let outcome, let reason):
            ("deployment.finished", ["outcome": outcome.rawValue, "reason": reason ?? ""])
        case .releasePrepared(let revision): ("release.prepared", ["revision": revision.rawValue])
        case .releaseFailed(let message): ("release.failed", ["message": message])
        case .rolloutWave(let wave, let instances):
            ("rollout.wave", ["wave": "\(wave)", "instances": instances.map(String.init).joined(separator: ",")])
        case .rolloutBake(let wave, let seconds): ("rollout.bake", ["wave": "\(wave)", "seconds": "\(seconds)"])
        case .rolloutPaused(let why): ("rollout.paused", ["why": why])
        case .rolloutWatch(let seconds): ("rollout.watch", ["seconds": "\(seconds)"])
        case .launchQueued(let revision, let purpose, let delay):
            ("launch.queued", ["revision": revision.rawValue, "purpose": purpose, "delay_seconds": "\(delay)"])
        case .clientLaunch(let revision, let purpose):
            ("client.launch", ["revision": revision.rawValue, "purpose": purpose])
        case .clientLaunched(let pid): ("client.launched", ["pid": "\(pid)"])
        case .clientConnected: ("client.connected", [:])
        case .clientRefused(let why): ("client.refused", ["why": why])
        case .clientUnmanaged: ("client.unmanaged", [:])
        case .clientReadmitted(let epoch): ("client.readmitted", ["epoch": "\(epoch)"])
        case .clientDisconnected: ("client.disconnected", [:])
        case .clientLost(let role): ("client.lost", ["role": role.rawValue])
        case .clientExited(let exit, let role): ("client.exited", ["exit": AuditEvent.trailText(of: exit), "role": role.rawValue])
        case .clientRetired(let reason): ("client.retired", ["reason": reason])
        case .clientUnaskedShutdown(let reason): ("client.unasked_shutdown", ["reason": reason])
        case .healthReport(let ok, let percent): ("health.report", ["ok": "\(ok)", "percent": "\(percent)"])
        case .healthProbePassed: ("health.probe_passed", [:])
        case .gatePassed(let revision): ("gate.passed", ["revision": revision.rawValue])
        case .gateFailed(let reason, let revision): ("gate.failed", ["reason": reason, "revision": revision.rawValue])
        case .activeFailed(let reason): ("active.failed", ["reason": reason])
        case .instanceCrashLoop(let revision, let exits):
            ("instance.crash_loop", ["revision": revision.rawValue, "exits": "\(exits)"])
        case .handoverStarted(let old, let epoch, let reason):
            ("handover.started", ["old": old?.rawValue ?? "", "epoch": "\(epoch)", "reason": reason])
        case .handoverComaConfirmed: ("handover.coma_confirmed", [:])
        case .handoverComaTimeout: ("handover.coma_timeout", [:])
        case .handoverCommitted(let epoch, let old, let gap, let sinceComa):
            ("handover.committed", ["epoch": "\(epoch)", "old": old?.rawValue ?? "", "gap_seconds": "\(gap)",
                                    "since_coma_seconds": sinceComa.map { "\($0)" } ?? ""])
        case .handoverAbandoned: ("handover.abandoned", [:])
        case .rollbackStarted(let outcome, let reason, let targets):
            ("rollback.started", ["outcome": outcome.rawValue, "reason": reason,
                                   "targets": targets.map(\.rawValue).joined(separator: ",")])
        case .rollbackStandby: ("rollback.standby", [:])
        case .rollbackPrepare(let revision): ("rollback.prepare", ["revision": revision.rawValue])
        case .rollbackTargetReady(let revision): ("rollback.target_ready", ["revision": revision.rawValue])
        case .rollbackTargetFailed(let revision, let message):
            ("rollback.target_failed", ["revision": revision?.rawValue ?? "", "message": message])
        case .rollbackTargetRejected(let revision, let reason):
            ("rollback.target_rejected", ["revision": revision.rawValue, "reason": reason])
        case .revisionUnmarkedBad(let revision, let deployment, let was):
            ("revision.unmarked_bad", ["revision": revision.rawValue, "deployment": "\(deployment)", "was": was])
        case .revisionTaggedGood(let revision, let tag): ("revision.tagged_good", ["revision": revision.rawValue, "tag": tag])
        case .revisionNotMarkedBad(let revision, let why):
            ("revision.not_marked_bad", ["revision": revision.rawValue, "why": why])
        case .daemonHalted(let reason): ("daemon.halted", ["reason": reason])
        case .operatorAbort: ("operator.abort", [:])
        case .operatorAbortIgnored(let why): ("operator.abort_ignored", ["why": why])
        case .operatorPromote: ("operator.promote", [:])
        case .operatorPromoteIgnored(let why): ("operator.promote_ignored", ["why": why])
        case .operatorResume(let was): ("operator.resume", ["was": was ?? ""])
        case .channelRefused(let cause, let peer, let why, let count):
            ("channel.refused", ["cause": cause.rawValue, "peer": peer, "why": why, "count": "\(count)"])
        case .repairWanted(let reason): ("repair.wanted", ["reason": reason])
        case .repairClosed(let why): ("repair.closed", ["why": why])
        case .repairStarted(let reason, let attempt): ("repair.started", ["reason": reason, "attempt": "\(attempt)"])
        case .repairFinished(let outcome, let reason):
            ("repair.finished", ["outcome": outcome.rawValue, "reason": reason ?? ""])
        case .performed(let action): action.stored
        case .unrecognized(let kind, let detail): (kind, detail)
        }
    }

    /// How the trail has always written an exit: `status 3`, `signal 9`; `status unknown` for an adopted process
    /// whose status nobody can know.
    static func trailText(of exit: TerminationStatus) -> String {
        switch exit {
        case .exited(let code): "status \(code)"
        case .signaled(let signal, _): "signal \(signal)"
        case .unknown: "status unknown"
        }
    }
}

extension PerformedAction {
    var stored: (kind: String, detail: [String: String]) {
        switch self {
        case .admit: ("action.admit", [:])
        case .refuse(let reason): ("action.refuse", ["reason": reason])
        case .hello(let processCommands): ("action.hello", ["process_commands": "\(processCommands)"])
        case .send(let name, let command): (Self.sendPrefix + name, ["command": command])
        case .launch(let revision): ("action.launch", ["revision": revision.rawValue])
        case .stop: ("action.stop", [:])
        case .prepareRelease(let ref): ("action.prepare_release", ["ref": ref])
        case .tagGood(let revision, let deployment):
            ("action.tag_good", ["revision": revision.rawValue, "deployment": "\(deployment)"])
        case .markBad(let revision, let reason): ("action.mark_bad", ["revision": revision.rawValue, "reason": reason])
        case .unmarkBad(let revision, let deployment):
            ("action.unmark_bad", ["revision": revision.rawValue, "deployment": "\(deployment)"])
        case .retainReleases(let keep): ("action.retain_releases", ["keep": keep.map(\.rawValue).joined(separator: ",")])
        case .notify(let level, let message): ("action.notify", ["level": level.rawValue, "message": message])
        case .recordDeployment(let outcome): ("action.record_deployment", ["outcome": outcome.rawValue])
        }
    }

    /// The kind of a command sent is this followed by the command's name (`action.cmd.coma`).
    static let sendPrefix = "action.cmd."
}
