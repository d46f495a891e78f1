import Deployer
import FleetConfiguration
import GitStore
import FleetTypes
import Foundation
import GitStore
import Logging
import Synchronization

extension DaemonEffects {
    /// Logs a notice (a halt is posted from its audit entry, ``post(for:)``, which names the deployment).
    func notify(_ notice: Notice) {
        switch notice.level {
        case .info: logger.info("\(notice.message)")
        case .warning: logger.warning("\(notice.message)")
        case .critical: logger.critical("\(notice.message)")
        }
    }

    /// Posts the notification an audit entry stands for: "halted" on `daemon.halted`, "canary passed" when a
    /// running deployment moves past its canary wave (to the next wave, or to the watch window when the canary was
    /// the whole fleet).
    func post(for entry: AuditEntry) {
        switch entry.event {
        case .daemonHalted(let reason):
            noticeHalted(entry, reason: reason)
        case .rolloutWave(let wave, _):
            if wave == 1 { noticeCanaryPassed(entry) }
        case .rolloutWatch:
            noticeCanaryPassed(entry)
        case .deploymentStarted, .deploymentQueued, .deploymentReplaced, .deploymentDuplicate, .deploymentRefused,
             .deploymentInterrupted, .deploymentFinished, .releasePrepared, .releaseFailed, .rolloutBake,
             .rolloutPaused, .launchQueued, .clientLaunch, .clientLaunched, .clientConnected, .clientRefused,
             .clientUnmanaged, .clientReadmitted, .clientDisconnected, .clientLost, .clientExited, .clientRetired,
             .clientUnaskedShutdown, .healthReport, .healthProbePassed, .gatePassed, .gateFailed, .activeFailed,
             .instanceCrashLoop, .handoverStarted, .handoverComaConfirmed, .handoverComaTimeout, .handoverCommitted,
             .handoverAbandoned, .rollbackStarted, .rollbackStandby, .rollbackPrepare, .rollbackTargetReady,
             .rollbackTargetFailed, .rollbackTargetRejected, .revisionUnmarkedBad, .revisionTaggedGood, .revisionNotMarkedBad,
             .operatorAbort, .operatorAbortIgnored, .operatorPromote, .operatorPromoteIgnored, .operatorResume,
             .channelRefused, .repairWanted, .repairClosed, .repairStarted, .repairFinished, .performed,
             .unrecognized:
            return
        }
    }

    /// Posts "halted": the halt reason (what `status` shows as `halt_reason`), and the deployment that led to it
    /// with its revision and trigger when there is one.
    private func noticeHalted(_ entry: AuditEntry, reason: String) {
        let record = entry.deployment.flatMap { id in deployments.withLock { $0[id] } }
        parts.notifier.post(DeploymentNotification(
            event: .halted, bot: botName, deployment: entry.deployment,
            revision: record?.revision?.rawValue ?? record?.ref ?? "", trigger: record?.trigger.rawValue,
            reason: reason, time: entry.time))
    }

    /// Follows a deployment's record: posts started and each outcome.
    func recordDeployment(_ record: DeploymentRecord) {
        let previous = deployments.withLock { deployments -> DeploymentRecord? in
            defer {
                if record.outcome.isTerminal { deployments[record.id] = nil } else { deployments[record.id] = record }
            }
            return deployments[record.id]
        }
        if record.outcome.isTerminal { canaryPassedDeployments.withLock { _ = $0.remove(record.id) } }
        guard previous?.outcome != record.outcome, let event = Self.notificationEvent(of: record.outcome) else { return }
        let revision = record.revision
        let (releases, driver) = (parts.releases, parts.driver)
        var notification = DeploymentNotification(
            event: event, bot: botName, deployment: record.id,
            revision: revision?.rawValue ?? record.ref ?? "", trigger: record.trigger.rawValue,
            reason: record.reason, time: record.finishedAt ?? record.startedAt ?? record.requestedAt)
        if record.outcome.isTerminal, record.outcome != .succeeded, let failure = parts.progress.failureTail(deployment: record.id) {
            notification.failedClient = failure.client
            notification.logTail = failure.text
        }
        parts.notifier.post(notification) { notification in
            guard event != .started, let revision else { return }
            let base = await driver.current?.lastGood(excluding: revision)
            notification.commits = await Self.commits(bringing: revision, since: base, from: releases)
        }
    }

    /// The commits between the last good revision other than `revision` (the engine's, `base`) and `revision`,
    /// newest first: what a deployment brings, or what its rollback took back.
    private static func commits(
        bringing revision: Revision, since base: GoodTag?, from releases: ReleaseStore
    ) async -> [DeploymentNotification.Commit] {
        guard let base = base?.revision,
              let range = try? await releases.history(from: base, to: revision, limit: 20)
        else { return [] }
        return range.map { DeploymentNotification.Commit(id: $0.id.rawValue, subject: $0.subject) }
    }

    /// Posts "canary passed", once per running deployment.
    private func noticeCanaryPassed(_ entry: AuditEntry) {
        guard let id = entry.deployment, let record = deployments.withLock({ $0[id] }), record.outcome == .running,
              canaryPassedDeployments.withLock({ $0.insert(id).inserted })
        else { return }
        parts.notifier.post(DeploymentNotification(
            event: .canaryPassed, bot: botName, deployment: id, revision: record.revision?.rawValue ?? record.ref ?? "",
            trigger: record.trigger.rawValue, time: entry.time))
    }

    private var botName: String {
        URL(fileURLWithPath: parts.configuration.source.url).deletingPathExtension().lastPathComponent
    }

    private static func notificationEvent(of outcome: DeploymentOutcome) -> DeploymentNotification.Event? {
        switch outcome {
        case .queued: nil
        case .running: .started
        case .succeeded: .succeeded
        case .rolledBack: .rolledBack
        case .aborted: .aborted
        case .failed: .failed
        }
    }
}
