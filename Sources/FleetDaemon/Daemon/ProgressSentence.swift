import AdminAPI
import Deployer
import FleetTypes

/// One sentence a person reads for each audit event of the engine.
enum ProgressSentence {
    /// The sentence for `entry`; a kind this build does not know gets a generic one naming the kind.
    static func make(for entry: AuditEntry) -> String {
        let who = entry.client.map { "\($0)" } ?? entry.instance.map { "instance \($0)" } ?? "the fleet"
        switch entry.event {
        case .deploymentStarted(let ref, let trigger, _):
            return "Deployment of \(ref ?? "the last good revision") started (trigger \(trigger.rawValue))."
        case .deploymentInterrupted: return "The deployment was interrupted by a daemon restart."
        case .deploymentFinished(let outcome, _): return "Deployment finished: \(outcome.rawValue)."
        case .releasePrepared(let revision): return "Release \(revision) is checked out and built."
        case .releaseFailed(let message): return "The release step failed: \(message)."
        case .rolloutWave(let wave, _): return "Rolling out wave \(wave + 1)."
        case .rolloutBake(let wave, _): return "Baking wave \(wave + 1)."
        case .rolloutPaused(let why): return "Paused after the canary's bake (\(why))."
        case .rolloutWatch(let seconds):
            guard seconds > 0 else { return "No watch (immediate)." }
            return "Watching the whole fleet for \(ElapsedText.duration(seconds))."
        case .launchQueued: return "Launch of \(who) queued."
        case .clientLaunch: return "Launching \(who)."
        case .clientLaunched(let pid): return "\(who) started (pid \(pid))."
        case .clientConnected: return "\(who) connected."
        case .clientRefused(let why): return "A connection as \(who) was refused (\(why))."
        case .clientUnmanaged: return "Unmanaged client \(who) admitted."
        case .clientReadmitted: return "\(who) re-admitted as the active client."
        case .clientDisconnected: return "\(who) disconnected."
        case .clientLost: return "\(who) was lost."
        case .clientExited(let exit, _): return "\(who) exited (\(exit))."
        case .clientRetired(let reason): return "\(who) retired (\(reason))."
        case .clientUnaskedShutdown(let reason): return "\(who) shut down unasked (\(reason))."
        case .gatePassed: return "\(who) passed its gate."
        case .gateFailed(let reason, _): return "\(who) failed its gate: \(reason)."
        case .healthReport: return "\(who) sent a health report."
        case .healthProbePassed: return "\(who) passed a periodic health check."
        case .handoverStarted: return "Handover of \(who) started."
        case .handoverComaConfirmed: return "The old active of \(who) confirmed coma."
        case .handoverComaTimeout: return "The old active of \(who) did not confirm coma in time."
        case .handoverCommitted: return "Handover of \(who) committed."
        case .handoverAbandoned: return "Handover of \(who) abandoned."
        case .activeFailed(let reason): return "Active client \(who) failed (\(reason))."
        case .instanceCrashLoop: return "\(who) is crash-looping."
        case .rollbackStarted: return "Rolling back."
        case .rollbackStandby: return "\(who) is handed back to its standby."
        case .rollbackPrepare(let revision): return "Preparing rollback release \(revision)."
        case .rollbackTargetReady(let revision): return "Rollback release \(revision) is ready."
        case .rollbackTargetFailed(let revision, let message):
            return "Rollback release \(revision.map { "\($0)" } ?? "") failed: \(message)."
        case .rollbackTargetRejected(let revision, let reason): return "Rollback target \(revision) rejected: \(reason)."
        case .revisionUnmarkedBad(let revision, let deployment, _):
            return "Revision \(revision) is no longer marked bad (deployment #\(deployment) succeeded)."
        case .revisionTaggedGood(let revision, let tag): return "Revision \(revision) is tagged good as \(tag)."
        case .daemonHalted(let reason): return "The daemon halted: \(reason)."
        case .operatorAbort: return "An operator aborted the deployment."
        case .operatorAbortIgnored(let why): return "Abort ignored: \(why)."
        case .operatorPromote: return "An operator promoted the deployment."
        case .operatorResume: return "An operator resumed deployments."
        case .performed(let action): return sentence(for: action, who: who)
        case .deploymentQueued, .deploymentReplaced, .deploymentDuplicate, .deploymentRefused, .revisionNotMarkedBad,
             .operatorPromoteIgnored, .channelRefused, .repairWanted, .repairClosed, .repairStarted, .repairFinished:
            return "\(entry.kind) (\(who))."
        case .unrecognized(let kind, _): return "\(kind) (\(who))."
        }
    }

    private static func sentence(for action: PerformedAction, who: String) -> String {
        switch action {
        case .admit: "\(who) admitted on the channel."
        case .refuse(let reason): "\(who) refused on the channel (\(reason))."
        case .hello(let processCommands): "Sent hello to \(who) (process_commands \(processCommands))."
        case .send(let name, _): "Sent \(name) to \(who)."
        case .launch(let revision): "Starting \(who) of \(revision)."
        case .stop: "Stopping \(who)."
        case .prepareRelease(let ref): "Fetching and checking out \(ref)."
        case .tagGood(let revision, let deployment): "Tagging \(revision) good (deployment #\(deployment))."
        case .markBad(let revision, let reason): "Marking \(revision) bad: \(reason)."
        case .unmarkBad(let revision, _): "Removing the bad mark of \(revision)."
        case .retainReleases: "Removing old releases."
        case .notify(_, let message): message
        case .recordDeployment(let outcome): "Deployment is \(outcome.rawValue)."
        }
    }
}
