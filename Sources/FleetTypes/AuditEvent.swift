/// What an audit entry says happened: a transition of the engine, or (``performed(_:)``) an action it took.
///
/// Stored in `state.sqlite` and sent over the admin API under a stable name (``kind``, e.g. `gate.passed`) with its
/// particulars as text (``detail``); ``init(kind:detail:)`` reads them back, so old databases and the wire read the
/// same. Consumers `switch` over it without `default`: a new kind does not compile until each says what it does.
public enum AuditEvent: Hashable, Sendable {
    /// A deployment started running (`deployment.started`); `ref` is nil for a rollback to the last good revision.
    case deploymentStarted(ref: String?, trigger: Trigger, who: String)
    /// A deployment was queued behind the running one (`deployment.queued`).
    case deploymentQueued
    /// The waiting deployment was replaced by a newer request (`deployment.replaced`).
    case deploymentReplaced(by: Int)
    /// A request for a revision already deploying or waiting (`deployment.duplicate`); `answer` is the reply.
    case deploymentDuplicate(ref: String?, trigger: Trigger, who: String, answer: String)
    /// A deployment was refused (halted, bad revision) (`deployment.refused`).
    case deploymentRefused(reason: String)
    /// A daemon restart interrupted the deployment (`deployment.interrupted`).
    case deploymentInterrupted(revision: Revision?)
    /// A deployment ended (`deployment.finished`).
    case deploymentFinished(outcome: DeploymentOutcome, reason: String?)
    /// The release was fetched, checked out and built (`release.prepared`).
    case releasePrepared(revision: Revision)
    /// The release step failed (`release.failed`).
    case releaseFailed(message: String)
    /// A wave (0: the canary) started on `instances` (`rollout.wave`).
    case rolloutWave(wave: Int, instances: [Int])
    /// A wave passed its gates and bakes for `seconds` (`rollout.bake`).
    case rolloutBake(wave: Int, seconds: Double)
    /// The rollout waits for `promote` after the canary (`rollout.paused`).
    case rolloutPaused(why: String)
    /// Every wave passed; the fleet is watched for `seconds` (`rollout.watch`).
    case rolloutWatch(seconds: Double)
    /// A launch waits for the pacer or a backoff (`launch.queued`).
    case launchQueued(revision: Revision, purpose: String, delaySeconds: Double)
    /// A client is launched (`client.launch`).
    case clientLaunch(revision: Revision, purpose: String)
    /// Its process started (`client.launched`).
    case clientLaunched(pid: Int32)
    /// It connected with the right key (`client.connected`).
    case clientConnected
    /// A connection as it was refused (`client.refused`).
    case clientRefused(why: String)
    /// An unmanaged client was admitted (`client.unmanaged`).
    case clientUnmanaged
    /// The active reconnected and was re-admitted (`client.readmitted`).
    case clientReadmitted(epoch: Int)
    /// It disconnected (`client.disconnected`).
    case clientDisconnected
    /// It stayed away past its reconnect deadline (`client.lost`).
    case clientLost(role: ClientRole)
    /// Its process exited (`client.exited`).
    case clientExited(exit: TerminationStatus, role: ClientRole)
    /// It was told to shut down (`client.retired`).
    case clientRetired(reason: String)
    /// It announced a shutdown nobody asked for (`client.unasked_shutdown`).
    case clientUnaskedShutdown(reason: String)
    /// A candidate's health report (`health.report`).
    case healthReport(ok: Bool, percent: Double)
    /// An active passed a periodic health check (`health.probe_passed`).
    case healthProbePassed
    /// A candidate passed its gate (`gate.passed`).
    case gatePassed(revision: Revision)
    /// A candidate failed its gate (`gate.failed`).
    case gateFailed(reason: String, revision: Revision)
    /// An active failed (probe, unasked shutdown, lost) (`active.failed`).
    case activeFailed(reason: String)
    /// An instance exits too often (`instance.crash_loop`).
    case instanceCrashLoop(revision: Revision, exits: Int)
    /// A handover to the entry's client started (`handover.started`).
    case handoverStarted(old: ClientID?, epoch: Int, reason: String)
    /// The old active confirmed `coma` (`handover.coma_confirmed`).
    case handoverComaConfirmed
    /// The old active did not confirm `coma` in time (`handover.coma_timeout`).
    case handoverComaTimeout
    /// The new client processes commands (`handover.committed`); the gaps are in seconds.
    case handoverCommitted(epoch: Int, old: ClientID?, gapSeconds: Double, sinceComaSeconds: Double?)
    /// The handover was given up (`handover.abandoned`).
    case handoverAbandoned
    /// A rollback started (`rollback.started`).
    case rollbackStarted(outcome: DeploymentOutcome, reason: String, targets: [Revision])
    /// An instance is handed back to its standby (`rollback.standby`).
    case rollbackStandby
    /// A rollback release is prepared (`rollback.prepare`).
    case rollbackPrepare(revision: Revision)
    /// It is ready (`rollback.target_ready`).
    case rollbackTargetReady(revision: Revision)
    /// Its release step failed (`rollback.target_failed`).
    case rollbackTargetFailed(revision: Revision?, message: String)
    /// It failed its gate on an instance (`rollback.target_rejected`).
    case rollbackTargetRejected(revision: Revision, reason: String)
    /// A deployment of a revision marked bad succeeded: the mark is gone (`revision.unmarked_bad`).
    case revisionUnmarkedBad(revision: Revision, deployment: Int, was: String)
    /// The good tag of a deployment that succeeded was made (`revision.tagged_good`).
    case revisionTaggedGood(revision: Revision, tag: String)
    /// A failed revision was not marked bad (`revision.not_marked_bad`).
    case revisionNotMarkedBad(revision: Revision, why: String)
    /// The daemon halted (`daemon.halted`).
    case daemonHalted(reason: String)
    /// `abort` (`operator.abort`).
    case operatorAbort
    /// `abort` did not apply (`operator.abort_ignored`).
    case operatorAbortIgnored(why: String)
    /// `promote` (`operator.promote`).
    case operatorPromote
    /// `promote` did not apply (`operator.promote_ignored`).
    case operatorPromoteIgnored(why: String)
    /// `resume`; `was` is the halt's reason (`operator.resume`).
    case operatorResume(was: String?)
    /// The channel refused connections (`channel.refused`).
    case channelRefused(cause: ConnectionRefusalCause, peer: String, why: String, count: Int)
    /// A silent active is to be replaced (`repair.wanted`).
    case repairWanted(reason: String)
    /// The repair is no longer needed (`repair.closed`).
    case repairClosed(why: String)
    /// A repair attempt started (`repair.started`).
    case repairStarted(reason: String, attempt: Int)
    /// A repair attempt ended (`repair.finished`).
    case repairFinished(outcome: DeploymentOutcome, reason: String?)
    /// An action the engine took (`action.*`), recorded by the store.
    case performed(PerformedAction)
    /// A kind this build does not know (written by a newer one), or particulars it cannot read: kept as stored.
    case unrecognized(kind: String, detail: [String: String])
}

/// An action as the audit trail records it (`action.*`): what ``DeployerStore`` writes for each ``DeployerAction``.
public enum PerformedAction: Hashable, Sendable {
    /// `action.admit`.
    case admit
    /// `action.refuse`.
    case refuse(reason: String)
    /// `action.hello`.
    case hello(processCommands: Bool)
    /// `action.cmd.<name>`: a command sent, with its description.
    case send(name: String, command: String)
    /// `action.launch`.
    case launch(revision: Revision)
    /// `action.stop`.
    case stop
    /// `action.prepare_release`.
    case prepareRelease(ref: String)
    /// `action.tag_good`.
    case tagGood(revision: Revision, deployment: Int)
    /// `action.mark_bad`.
    case markBad(revision: Revision, reason: String)
    /// `action.unmark_bad`.
    case unmarkBad(revision: Revision, deployment: Int)
    /// `action.retain_releases`.
    case retainReleases(keep: [Revision])
    /// `action.notify`.
    case notify(level: NoticeLevel, message: String)
    /// `action.record_deployment`.
    case recordDeployment(outcome: DeploymentOutcome)
}
