import Deployer

/// One sentence a person reads for each audit kind of the engine.
enum ProgressSentence {
    /// The sentence for `entry`; unknown kinds get a generic one naming the kind.
    static func make(for entry: AuditEntry) -> String {
        let who = entry.client.map { "\($0)" } ?? entry.instance.map { "instance \($0)" } ?? "the fleet"
        let detail = entry.detail
        func value(_ key: String) -> String { detail[key] ?? "?" }
        switch entry.kind {
        case "deployment.started":
            let ref = detail["ref"].flatMap { $0.isEmpty ? nil : $0 } ?? "the last good revision"
            return "Deployment of \(ref) started (trigger \(value("trigger")))."
        case "deployment.interrupted": return "The deployment was interrupted by a daemon restart."
        case "deployment.finished": return "Deployment finished: \(value("outcome"))."
        case "release.prepared": return "Release \(value("revision")) is checked out and built."
        case "release.failed": return "The release step failed: \(value("message"))."
        case "rollout.wave": return "Rolling out wave \(wave(detail))."
        case "rollout.bake": return "Baking wave \(wave(detail))."
        case "rollout.paused": return "Paused after the canary's bake (\(value("why")))."
        case "rollout.watch":
            guard let seconds = detail["seconds"].flatMap(Double.init), seconds > 0 else { return "No watch (immediate)." }
            return "Watching the whole fleet for \(StatusTable.duration(seconds))."
        case "launch.queued": return "Launch of \(who) queued."
        case "client.launch": return "Launching \(who)."
        case "client.launched": return "\(who) started (pid \(value("pid")))."
        case "client.connected": return "\(who) connected."
        case "client.refused": return "A connection as \(who) was refused (\(value("why")))."
        case "client.unmanaged": return "Unmanaged client \(who) admitted."
        case "client.readmitted": return "\(who) re-admitted as the active client."
        case "client.disconnected": return "\(who) disconnected."
        case "client.lost": return "\(who) was lost."
        case "client.exited": return "\(who) exited (\(value("exit")))."
        case "client.retired": return "\(who) retired (\(value("reason")))."
        case "client.unasked_shutdown": return "\(who) shut down unasked (\(value("reason")))."
        case "gate.passed": return "\(who) passed its gate."
        case "gate.failed": return "\(who) failed its gate: \(value("reason"))."
        case "health.report": return "\(who) sent a health report."
        case "health.probe_passed": return "\(who) passed a periodic health check."
        case "handover.started": return "Handover of \(who) started."
        case "handover.coma_confirmed": return "The old active of \(who) confirmed coma."
        case "handover.coma_timeout": return "The old active of \(who) did not confirm coma in time."
        case "handover.committed": return "Handover of \(who) committed."
        case "handover.abandoned": return "Handover of \(who) abandoned."
        case "active.failed": return "Active client \(who) failed (\(value("reason")))."
        case "instance.crash_loop": return "\(who) is crash-looping."
        case "rollback.started": return "Rolling back."
        case "rollback.standby": return "\(who) is handed back to its standby."
        case "rollback.prepare": return "Preparing rollback release \(value("revision"))."
        case "rollback.target_ready": return "Rollback release \(value("revision")) is ready."
        case "rollback.target_failed": return "Rollback release \(value("revision")) failed: \(value("message"))."
        case "rollback.target_rejected": return "Rollback target \(value("revision")) rejected: \(value("reason"))."
        case "revision.unmarked_bad":
            return "Revision \(value("revision")) is no longer marked bad (deployment #\(value("deployment")) succeeded)."
        case "daemon.halted": return "The daemon halted: \(value("reason"))."
        case "operator.abort": return "An operator aborted the deployment."
        case "operator.abort_ignored": return "Abort ignored: \(value("why"))."
        case "operator.promote": return "An operator promoted the deployment."
        case "operator.resume": return "An operator resumed deployments."
        case "action.admit": return "\(who) admitted on the channel."
        case "action.refuse": return "\(who) refused on the channel (\(value("reason")))."
        case "action.hello": return "Sent hello to \(who) (process_commands \(value("process_commands")))."
        case "action.launch": return "Starting \(who) of \(value("revision"))."
        case "action.stop": return "Stopping \(who)."
        case "action.prepare_release": return "Fetching and checking out \(value("ref"))."
        case "action.tag_good": return "Tagging \(value("revision")) good as \(value("tag"))."
        case "action.mark_bad": return "Marking \(value("revision")) bad: \(value("reason"))."
        case "action.unmark_bad": return "Removing the bad mark of \(value("revision"))."
        case "action.retain_releases": return "Removing old releases."
        case "action.notify": return value("message")
        case "action.record_deployment": return "Deployment is \(value("outcome"))."
        case let kind where kind.hasPrefix("action.cmd."):
            return "Sent \(kind.dropFirst("action.cmd.".count)) to \(who)."
        default: return "\(entry.kind) (\(who))."
        }
    }

    /// The wave of a `rollout.*` entry counted from 1, as `status` and the progress line show it (the engine
    /// counts from 0).
    private static func wave(_ detail: [String: String]) -> String {
        detail["wave"].flatMap(Int.init).map { "\($0 + 1)" } ?? "?"
    }
}
