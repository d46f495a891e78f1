import FleetTypes

/// Undoing a rollout: each touched instance gets its warm standby back at once, or a fresh client of the last
/// good release through the full gate; older good revisions up to `max_rollback_depth`; `halted` when none passes.
/// A good revision that is marked bad (its latest deployment failed) is never a target.
extension DeploymentEngine {
    mutating func beginRollback(outcome: DeploymentOutcome, reason: String) {
        guard var current = rollout, let undoing = current.revision else { return }
        var targets: [Revision] = []
        for tag in rollbackTags(excluding: undoing) where !targets.contains(tag.revision) {
            targets.append(tag.revision)
        }
        current.phase = .rollingBack
        current.rollback = RollbackPlan(
            outcome: outcome, reason: reason, undoing: undoing, targets: Array(targets.prefix(settings.maxRollbackDepth))
        )
        rollout = current
        audit(.rollbackStarted(outcome: outcome, reason: reason, targets: current.rollback?.targets ?? []))
        for index in current.touched.sorted() {
            if let pending = instances[index].pending, pending.revision == undoing { instances[index].pending = nil }
            if let candidate = instances[index].candidate, clients[candidate]?.revision == undoing {
                if instances[index].handover?.candidate == candidate { abandonHandover(of: index) }
                retire(candidate, reason: "rollback: \(reason)")
            }
        }
    }

    /// Moves every touched instance toward a serving, allowed revision; ends the deployment when all are there.
    mutating func stepRollback() {
        guard let current = rollout, var plan = current.rollback else { return }
        var finished = true
        var needsTarget = false
        for index in current.touched.sorted() {
            let instance = instances[index]
            if instance.handover != nil { finished = false; continue }
            if let candidate = instance.candidate, clients[candidate]?.purpose == .rollback { finished = false; continue }
            if let pending = instance.pending, pending.purpose == .rollback { finished = false; continue }
            if let active = instance.active, clients[active]?.shutdownRequested == true { finished = false; continue }
            let activeRevision = instance.active.flatMap { clients[$0]?.revision }
            if let activeRevision, activeRevision != plan.undoing { continue }
            if instance.active == nil, instance.pending?.purpose == .restart || instance.candidate != nil { continue }
            if let standby = instance.standby, let client = clients[standby] {
                finished = false
                if client.reachable && client.identified {
                    audit(.rollbackStandby, instance: index, client: standby)
                    beginHandover(of: index, candidate: standby, reason: "rollback")
                }
                continue
            }
            if plan.exhausted {
                if current.servingBefore[index] == nil, let active = instance.active {
                    finished = false
                    retire(active, reason: "rollback: nothing served this instance before")
                }
                continue
            }
            finished = false
            needsTarget = true
            if let target = plan.readyTarget { queueLaunch(of: index, revision: target, purpose: .rollback) }
        }
        if needsTarget, plan.readyTarget == nil, !plan.preparing, let target = plan.targets[safe: plan.targetIndex] {
            plan.preparing = true
            rollout?.rollback = plan
            audit(.rollbackPrepare(revision: target))
            emit(.prepareRelease(deployment: current.record.id, ref: target.rawValue))
            return
        }
        guard finished else { return }
        let unrestored = unrestoredInstances(current, plan)
        if plan.exhausted, !unrestored.isEmpty {
            let tried = plan.targets.map(\.rawValue).joined(separator: ", ")
            let why = "rollback of \(plan.undoing) found no good revision that passes (tried: \(tried.isEmpty ? "none" : tried));"
                + " instance(s) \(unrestored.map(String.init).joined(separator: ", ")) keep what still serves"
            halt(why)
            finishDeployment(.failed, reason: "halted: \(why); after: \(plan.reason)")
        } else {
            finishDeployment(plan.outcome, reason: plan.reason)
        }
    }

    mutating func rollbackTargetPrepared(_ result: ReleaseResult) {
        guard var plan = rollout?.rollback, plan.preparing else { return }
        plan.preparing = false
        switch result {
        case .prepared(let revision):
            plan.readyTarget = revision
            audit(.rollbackTargetReady(revision: revision))
        case .failed(let message):
            audit(.rollbackTargetFailed(revision: plan.targets[safe: plan.targetIndex], message: message))
            plan.targetIndex += 1
        }
        rollout?.rollback = plan
    }

    /// A fresh client of the rollback target failed its gate: the next older good revision is tried.
    mutating func rollbackTargetFailed(_ revision: Revision, instance index: Int, reason: FailureReason) {
        guard var plan = rollout?.rollback, plan.readyTarget == revision else { return }
        plan.readyTarget = nil
        plan.targetIndex += 1
        rollout?.rollback = plan
        audit(.rollbackTargetRejected(revision: revision, reason: reason.description), instance: index)
        for other in instances.indices {
            if let pending = instances[other].pending, pending.revision == revision, pending.purpose == .rollback {
                instances[other].pending = nil
            }
            if let candidate = instances[other].candidate, let client = clients[candidate],
                client.revision == revision, client.purpose == .rollback
            {
                if instances[other].handover?.candidate == candidate { abandonHandover(of: other) }
                retire(candidate, reason: "rollback target \(revision) failed elsewhere")
            }
        }
    }

    /// The touched instances left on the undone revision, or on nothing where something served before (a restart
    /// of the old revision in flight counts as restored).
    private func unrestoredInstances(_ current: Rollout, _ plan: RollbackPlan) -> [Int] {
        current.touched.sorted().filter { index in
            let instance = instances[index]
            guard let active = instance.active, let revision = clients[active]?.revision else {
                let restarting = instance.pending?.purpose == .restart || instance.candidate != nil
                return current.servingBefore[index] != nil && !restarting
            }
            return revision == plan.undoing
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
