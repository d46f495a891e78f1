import FleetTypes
import Foundation

/// Replacing an active that stopped talking to the daemon (it did not reconnect, or did not identify, after a
/// daemon restart or a reconnect) without taking its instance down: a new client of the same revision is launched,
/// gated and handed over to while the old one keeps serving; one instance at a time, paced like any launch, never
/// while a rollout runs (the rollout replaces every active anyway). A replacement that fails its gate leaves the
/// old one serving and is tried again with backoff, `crash_loop` times at most. Each attempt is a history row
/// with trigger `repair`, its audit trail and its notifications.
extension DeploymentEngine {
    /// Asks for the replacement of the active of `index`, which fell silent.
    mutating func wantRepair(of index: Int, reason: String) {
        guard repairs[index] == nil, let old = instances[index].active else { return }
        repairs[index] = Repair(old: old, reason: reason, notBefore: now)
        emit(.audit(AuditEntry(deployment: nil, time: wallNow, event: .repairWanted(reason: reason), instance: index,
                               client: old)))
        emit(.notify(Notice(level: .warning, message:
            "Instance \(index): \(reason); replacing it through the gate (it keeps serving until the replacement does).")))
    }

    /// Starts, closes or gives up the wanted repairs (part of ``progress()``).
    mutating func stepRepairs() {
        for index in repairs.keys.sorted() {
            guard var repair = repairs[index] else { continue }
            let attemptRuns = instances[index].candidate.flatMap { clients[$0]?.purpose } == .repair
                || instances[index].pending?.purpose == .repair
            if repair.record != nil, !attemptRuns {
                finishRepairAttempt(of: index, .aborted, "the replacement was superseded by a deployment")
                continue
            }
            guard let old = clients[repair.old], instances[index].active == repair.old, !old.shutdownRequested else {
                if attemptRuns { continue }
                repairs[index] = nil
                audit(.repairClosed(why: "\(repair.old) no longer serves the instance"), instance: index)
                continue
            }
            if old.identified {
                if let candidate = instances[index].candidate, clients[candidate]?.purpose == .repair {
                    retire(candidate, reason: "not needed: \(repair.old) identified again")
                }
                if instances[index].pending?.purpose == .repair { instances[index].pending = nil }
                if repair.record != nil {
                    finishRepairAttempt(of: index, .aborted, "not needed: \(repair.old) identified again")
                }
                repairs[index] = nil
                continue
            }
            guard repair.record == nil, repair.attempts < settings.crashLoop, repair.notBefore <= now, rollout == nil,
                instances[index].isSettled, !repairs.values.contains(where: { $0.record != nil })
            else { continue }
            var record = DeploymentRecord(
                id: nextDeploymentID,
                request: DeploymentRequest(ref: old.revision.rawValue, trigger: .repair, who: "urban-robot"), at: wallNow)
            nextDeploymentID += 1
            record.revision = old.revision
            record.outcome = .running
            record.startedAt = wallNow
            record.reason = repair.reason
            repair.attempts += 1
            repair.record = record
            repairs[index] = repair
            emit(.recordDeployment(record))
            emit(.audit(AuditEntry(deployment: record.id, time: wallNow,
                                   event: .repairStarted(reason: repair.reason, attempt: repair.attempts), instance: index,
                                   client: repair.old)))
            queueLaunch(of: index, revision: old.revision, purpose: .repair)
        }
    }

    /// The replacement took over the instance.
    mutating func repairSucceeded(of index: Int, by candidate: ClientID) {
        guard repairs[index]?.record != nil else { return }
        finishRepairAttempt(of: index, .succeeded, "replaced by \(candidate)")
        repairs[index] = nil
    }

    /// The replacement failed its gate: the old active keeps serving; another attempt follows after a backoff.
    mutating func repairFailed(of index: Int, client: ClientID, reason: FailureReason) {
        guard let repair = repairs[index], repair.record != nil else { return }
        finishRepairAttempt(of: index, .failed, "the replacement \(client) failed its gate: \(reason); \(repair.old) keeps serving")
        let factor = 1 << min(max(repair.attempts - 1, 0), 16)
        let backoff = min(settings.restartBackoff * factor, settings.maxRestartBackoff)
        repairs[index]?.notBefore = now.adding(backoff)
        if repair.attempts >= settings.crashLoop {
            emit(.notify(Notice(level: .critical, message:
                "Instance \(index): \(repair.reason), and \(repair.attempts) replacement(s) failed their gate; "
                + "\(repair.old) is left as it is. Deploy a revision or restart the bot by hand.")))
        }
    }

    /// Ends the history row of the attempt in flight.
    private mutating func finishRepairAttempt(of index: Int, _ outcome: DeploymentOutcome, _ how: String) {
        guard var record = repairs[index]?.record else { return }
        record.outcome = outcome
        record.reason = "\(repairs[index]?.reason ?? ""); \(how)"
        record.finishedAt = wallNow
        repairs[index]?.record = nil
        emit(.recordDeployment(record))
        emit(.audit(AuditEntry(deployment: record.id, time: wallNow,
                               event: .repairFinished(outcome: outcome, reason: record.reason), instance: index)))
        if outcome != .succeeded {
            emit(.notify(Notice(level: .warning, message: "Repair #\(record.id) of instance \(index) \(outcome.rawValue): \(how).")))
        }
    }
}
