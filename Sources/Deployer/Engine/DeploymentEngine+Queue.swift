import FleetTypes
import Foundation

/// The queue: one deployment runs, at most one waits, a newer request replaces the waiting one.
extension DeploymentEngine {
    mutating func enqueue(_ request: DeploymentRequest) {
        if let existing = duplicate(of: request) {
            reply = existing
            audit(.deploymentDuplicate(ref: request.ref, trigger: request.trigger, who: request.who, answer: "\(existing)"))
            return
        }
        let record = DeploymentRecord(id: nextDeploymentID, request: request, at: wallNow)
        nextDeploymentID += 1
        if let refusal = refusal(of: request) {
            refuse(record, refusal)
            reply = .refused(refusal, deployment: record.id)
            return
        }
        reply = .accepted(deployment: record.id)
        guard rollout != nil else {
            startDeployment(record)
            return
        }
        if var replaced = waiting {
            replaced.outcome = .aborted
            replaced.reason = "replaced by deployment #\(record.id) while waiting"
            replaced.finishedAt = wallNow
            emit(.recordDeployment(replaced))
            emit(.audit(AuditEntry(deployment: replaced.id, time: wallNow, event: .deploymentReplaced(by: record.id))))
        }
        waiting = record
        emit(.recordDeployment(record))
        emit(.audit(AuditEntry(deployment: record.id, time: wallNow, event: .deploymentQueued)))
    }

    /// Why a request is refused at once, if it is: halted (automatic triggers), or a revision marked bad (every
    /// trigger, unless forced).
    func refusal(of request: DeploymentRequest) -> String? {
        if request.trigger.isAutomatic, let haltReason { return "halted: \(haltReason); `urban-robot resume` clears it" }
        if !request.force, let ref = request.ref, let bad = badRevisions[Revision(ref)] {
            return Self.badRefusal(ref, bad)
        }
        return nil
    }

    /// The answer to a request for a revision that already serves every instance, runs or waits (unless forced):
    /// nothing new is queued.
    func duplicate(of request: DeploymentRequest) -> EngineReply? {
        guard !request.force, let ref = request.ref else { return nil }
        let revision = Revision(ref)
        if let current = rollout, current.rollback == nil, current.record.ref == ref || current.revision == revision {
            return .existing(deployment: current.record.id, why: "\(ref) is already being deployed (#\(current.record.id))")
        }
        if let waiting, waiting.ref == ref {
            return .existing(deployment: waiting.id, why: "\(ref) is already queued (#\(waiting.id))")
        }
        if rollout == nil, fleetRevision == revision {
            return .nothingToDo("\(ref) already serves every instance; nothing to do (deploy --force restarts the fleet on it)")
        }
        return nil
    }

    /// Why an automatic request for a bad revision is refused: the reason, when it was marked, the way out.
    static func badRefusal(_ ref: String, _ bad: BadRevision) -> String {
        "revision \(ref) is marked bad (\(bad.reason); since \(ISO8601DateFormatter().string(from: bad.markedAt)));"
            + " deploy --force overrides, and its next successful deployment clears the mark"
    }

    mutating func startWaitingIfIdle() {
        guard rollout == nil, let next = waiting else { return }
        waiting = nil
        if let refusal = refusal(of: next.request) {
            refuse(next, refusal)
            return
        }
        if !next.force, let ref = next.ref, fleetRevision == Revision(ref) {
            var record = next
            record.outcome = .aborted
            record.reason = "nothing to do: \(ref) already served every instance when its turn came"
            record.finishedAt = wallNow
            emit(.recordDeployment(record))
            emit(.audit(AuditEntry(deployment: record.id, time: wallNow, event: .deploymentRefused(reason: record.reason ?? ""))))
            return
        }
        startDeployment(next)
    }

    /// Ends a request that never ran as `failed`, saying why.
    private mutating func refuse(_ record: DeploymentRecord, _ reason: String) {
        var record = record
        record.outcome = .failed
        record.reason = reason
        record.finishedAt = wallNow
        emit(.recordDeployment(record))
        emit(.audit(AuditEntry(deployment: record.id, time: wallNow, event: .deploymentRefused(reason: reason))))
    }

    mutating func operatorCommand(_ command: OperatorCommand) {
        reply = .performed
        switch command {
        case .abort:
            guard let current = rollout else {
                ignore(.operatorAbortIgnored(why: "no deployment runs"), why: "no deployment runs")
                return
            }
            audit(.operatorAbort)
            switch current.phase {
            case .preparing: finishDeployment(.aborted, reason: "aborted by an operator before any instance was touched")
            case .gating, .baking, .watching, .paused: beginRollback(outcome: .aborted, reason: "aborted by an operator")
            case .rollingBack: break
            }
        case .promote:
            guard var current = rollout else {
                ignore(.operatorPromoteIgnored(why: "no deployment runs"), why: "no deployment runs")
                return
            }
            switch current.phase {
            case .paused:
                // The approval: the rollout goes on with its batches, bakes and watch.
                current.phase = .baking(until: now)
                current.approved = true
            case .baking:
                current.promoted = true
                current.phase = .baking(until: now)
            case .watching:
                current.promoted = true
                current.phase = .watching(until: now)
            default:
                current.promoted = true
            }
            rollout = current
            audit(.operatorPromote)
        case .resume:
            audit(.operatorResume(was: haltReason))
            haltReason = nil
            autoRollbacks = []
        }
    }

    /// An operator command that does not apply now: audited, and the reply says why.
    private mutating func ignore(_ event: AuditEvent, why: String) {
        reply = .ignored(why)
        audit(event)
    }
}
