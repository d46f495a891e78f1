import Foundation

/// The queue: one deployment runs, at most one waits, a newer request replaces the waiting one.
extension DeploymentEngine {
    mutating func enqueue(_ request: DeploymentRequest) {
        let record = DeploymentRecord(id: nextDeploymentID, request: request, at: now)
        nextDeploymentID += 1
        if let refusal = refusal(of: request) {
            refuse(record, refusal)
            return
        }
        guard rollout != nil else {
            startDeployment(record)
            return
        }
        if var replaced = waiting {
            replaced.outcome = .aborted
            replaced.reason = "replaced by deployment #\(record.id) while waiting"
            replaced.finishedAt = now
            emit(.recordDeployment(replaced))
            emit(.audit(AuditEntry(deployment: replaced.id, time: now, kind: "deployment.replaced", detail: [
                "by": "\(record.id)",
            ])))
        }
        waiting = record
        emit(.recordDeployment(record))
        emit(.audit(AuditEntry(deployment: record.id, time: now, kind: "deployment.queued")))
    }

    /// Why a request is refused at once, if it is.
    func refusal(of request: DeploymentRequest) -> String? {
        guard request.trigger.isAutomatic else { return nil }
        if let haltReason { return "halted: \(haltReason); `urban-robot resume` clears it" }
        if !request.force, let ref = request.ref, let bad = badRevisions[Revision(ref)] {
            return Self.badRefusal(ref, bad)
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
        startDeployment(next)
    }

    /// Ends a request that never ran as `failed`, saying why.
    private mutating func refuse(_ record: DeploymentRecord, _ reason: String) {
        var record = record
        record.outcome = .failed
        record.reason = reason
        record.finishedAt = now
        emit(.recordDeployment(record))
        emit(.audit(AuditEntry(deployment: record.id, time: now, kind: "deployment.refused", detail: ["reason": reason])))
    }

    mutating func operatorCommand(_ command: OperatorCommand) {
        switch command {
        case .abort:
            guard let current = rollout else {
                audit("operator.abort_ignored", ["why": "no deployment runs"])
                return
            }
            audit("operator.abort")
            switch current.phase {
            case .preparing: finishDeployment(.aborted, reason: "aborted by an operator before any instance was touched")
            case .gating, .baking, .watching: beginRollback(outcome: .aborted, reason: "aborted by an operator")
            case .rollingBack: break
            }
        case .promote:
            guard var current = rollout else { return }
            current.promoted = true
            switch current.phase {
            case .baking: current.phase = .baking(until: now)
            case .watching: current.phase = .watching(until: now)
            default: break
            }
            rollout = current
            audit("operator.promote")
        case .resume:
            audit("operator.resume", ["was": haltReason ?? ""])
            haltReason = nil
            autoRollbacks = []
        }
    }
}
