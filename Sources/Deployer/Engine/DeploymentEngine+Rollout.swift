import FleetTypes

/// The rollout of the fleet: release step → canary wave → bake → batches with `batch_bake` → watch → done.
extension DeploymentEngine {
    mutating func startDeployment(_ record: DeploymentRecord) {
        var record = record
        record.outcome = .running
        record.startedAt = wallNow
        rollout = Rollout(record: record)
        emit(.recordDeployment(record))
        audit(.deploymentStarted(ref: record.ref, trigger: record.trigger, who: record.who))
        if record.ref == nil {
            guard let target = lastGood(excluding: fleetRevision) else {
                finishDeployment(.failed, reason: "no good revision to roll back to")
                return
            }
            rollout?.record.ref = target.revision.rawValue
        }
        emit(.prepareRelease(deployment: record.id, ref: rollout?.record.ref ?? ""))
    }

    mutating func releasePrepared(deployment: Int, result: ReleaseResult) {
        guard var current = rollout, current.record.id == deployment else { return }
        if current.phase == .rollingBack {
            rollbackTargetPrepared(result)
            return
        }
        guard current.phase == .preparing else { return }
        switch result {
        case .failed(let message):
            audit(.releaseFailed(message: message))
            finishDeployment(.failed, reason: "release step failed: \(message)")
        case .prepared(let revision):
            current.record.revision = revision
            audit(.releasePrepared(revision: revision))
            if current.record.trigger.isAutomatic, !current.record.force, let bad = badRevisions[revision] {
                rollout = current
                finishDeployment(.failed, reason: Self.badRefusal(revision.rawValue, bad))
                return
            }
            current.waves = current.record.immediate ? [Array(instances.indices)] : settings.waves()
            for instance in instances {
                if let active = instance.active, let client = clients[active] {
                    current.servingBefore[instance.index] = client.revision
                }
            }
            rollout = current
            emit(.recordDeployment(current.record))
            startWave(0)
        }
    }

    private mutating func startWave(_ wave: Int) {
        guard var current = rollout, let revision = current.revision, wave < current.waves.count else { return }
        current.wave = wave
        current.phase = .gating
        current.touched.formUnion(current.waves[wave])
        rollout = current
        audit(.rolloutWave(wave: wave, instances: current.waves[wave]))
        for index in current.waves[wave] {
            if let candidate = instances[index].candidate {
                if instances[index].handover?.candidate == candidate { abandonHandover(of: index) }
                retire(candidate, reason: "superseded by the rollout")
            }
            queueLaunch(of: index, revision: revision, purpose: .rollout)
        }
    }

    /// Moves the rollout's phase forward when its condition holds.
    mutating func stepRollout() {
        guard let current = rollout, let revision = current.revision else { return }
        let quick = current.record.immediate || current.promoted
        switch current.phase {
        case .preparing:
            return
        case .gating:
            guard waveIsServing(current.waves[current.wave], revision: revision) else { return }
            let bake = quick ? .zero : (current.wave == 0 ? settings.bake : settings.batchBake)
            rollout?.phase = .baking(until: now.adding(bake))
            audit(.rolloutBake(wave: current.wave, seconds: bake.timeInterval))
        case .baking(let until):
            guard until <= now else { return }
            if current.wave == 0, settings.pauseAfterCanary, !current.approved, !quick {
                rollout?.phase = .paused
                audit(.rolloutPaused(why: "pause_after_canary: `urban-robot promote` goes on, `abort` undoes it"))
                emit(.notify(Notice(level: .info, message:
                    "Deployment #\(current.record.id) of \(revision) passed its canary and waits for `urban-robot promote`.")))
                return
            }
            if current.wave + 1 < current.waves.count {
                startWave(current.wave + 1)
            } else {
                let watch = quick ? .zero : settings.watch
                rollout?.phase = .watching(until: now.adding(watch))
                audit(.rolloutWatch(seconds: watch.timeInterval))
            }
        case .watching(let until):
            guard until <= now else { return }
            succeed(revision)
        case .paused:
            return
        case .rollingBack:
            stepRollback()
        }
    }

    /// Whether every instance of `wave` is settled with an active of `revision`. The scan starts at the instance
    /// that held the last one up (``gateScanStart``) and wraps around: the same answer as a scan from the first,
    /// but a wave whose instances settle in order no longer walks all its settled ones in every round of every step
    /// (a cost of the wave's size per step, so of N² per rollout).
    private mutating func waveIsServing(_ wave: [Int], revision: Revision) -> Bool {
        guard !wave.isEmpty else { return true }
        let start = gateScanStart < wave.count ? gateScanStart : 0
        for offset in 0..<wave.count {
            let position = (start + offset) % wave.count
            let index = wave[position]
            guard instances[index].isSettled, let active = instances[index].active,
                clients.revision(of: active) == revision
            else {
                gateScanStart = position
                return false
            }
        }
        return true
    }

    private mutating func succeed(_ revision: Revision) {
        if let deployment = rollout?.record.id { emit(.tagGood(revision, deployment: deployment)) }
        if let deployment = rollout?.record.id, let bad = badRevisions.removeValue(forKey: revision) {
            emit(.unmarkBad(revision, deployment: deployment))
            audit(.revisionUnmarkedBad(revision: revision, deployment: deployment, was: bad.reason))
        }
        finishDeployment(.succeeded, reason: nil)
        emit(.retainReleases(keep: protectedRevisions))
        emit(.notify(Notice(level: .info, message: "Deployed \(revision) to \(instances.count) instance(s).")))
    }

    /// The good tag of a deployment that succeeded was made: it is the newest, and the last good revision.
    mutating func taggedGood(_ tag: GoodTag) {
        goodTags.removeAll { $0.revision == tag.revision || $0.tag == tag.tag }
        goodTags.insert(tag, at: 0)
        audit(.revisionTaggedGood(revision: tag.revision, tag: tag.tag))
    }

    /// A rollout candidate failed its gate (`served` false), or a watched active failed (`served` true): mark the
    /// revision bad and roll back.
    ///
    /// Not marked bad: a gate that failed while the channel was shedding connections (the channel's fault).
    /// Counted against `max_auto_rollbacks` (the anti-flap rule): a failure after the revision served, and any
    /// failure of an `auto-rollback` deployment; never a gate failure of a push, webhook, poll or manual deploy,
    /// which touched no serving shard.
    mutating func rolloutFailed(instance index: Int, client: ClientID, reason: FailureReason, served: Bool) {
        guard let current = rollout, current.isAdvancing, let revision = current.revision else { return }
        let context = failureContext(of: client, reason: reason, served: served)
        let message = "instance \(index) (\(client)): \(explain(reason))\(context.note)"
        if context.shedding {
            audit(.revisionNotMarkedBad(revision: revision, why: "the channel was shedding connections"))
        } else {
            badRevisions[revision] = BadRevision(revision: revision, reason: message, markedAt: wallNow)
            emit(.markBad(revision, reason: message))
        }
        emit(.notify(Notice(level: .warning, message: "Deployment #\(current.record.id) of \(revision) failed: \(message); rolling back.")))
        if served || current.record.trigger == .autoRollback { _ = admitAutomaticRollback() }
        beginRollback(outcome: .rolledBack, reason: message)
    }

    /// Ends the running deployment: records it, retires standbys and leftover candidates, frees the queue.
    mutating func finishDeployment(_ outcome: DeploymentOutcome, reason: String?) {
        guard var record = rollout?.record else { return }
        record.outcome = outcome
        record.reason = reason ?? record.reason
        record.finishedAt = wallNow
        rollout?.record = record
        emit(.recordDeployment(record))
        audit(.deploymentFinished(outcome: outcome, reason: reason))
        for index in instances.indices {
            if let standby = instances[index].standby { retire(standby, reason: "deployment finished") }
            if let candidate = instances[index].candidate, !Self.outlivesDeployments(clients[candidate]?.purpose) {
                if instances[index].handover?.candidate == candidate { abandonHandover(of: index) }
                retire(candidate, reason: "deployment finished")
            }
            if let pending = instances[index].pending, !Self.outlivesDeployments(pending.purpose) {
                instances[index].pending = nil
            }
        }
        // The health checks end with the deployment, in one pass over the clients (a pass per instance copied every
        // client out 200 times at 200 instances: 80,000 copies in the step that ends a rollout).
        for id in Array(clients.keys) where clients.isProbed(id) {
            guard let instance = clients.instance(of: id), instances.indices.contains(instance) else { continue }
            clients[id]?.nextProbe = nil
            clients[id]?.probeDeadline = nil
        }
        rollout = nil
    }

    /// Whether launches of this purpose are the instance's own business, not the deployment's: a restart of a
    /// crashed active, or a repair of a silent one.
    static func outlivesDeployments(_ purpose: LaunchPurpose?) -> Bool {
        purpose == .restart || purpose == .repair
    }

    /// The revision every instance is active on, or `nil` when the fleet is mixed or empty.
    var fleetRevision: Revision? {
        let revisions = Set(instances.map { $0.active.flatMap { clients[$0]?.revision } })
        guard revisions.count == 1, let only = revisions.first else { return nil }
        return only
    }

    /// Revisions whose releases must stay: every client's, the newest good tag's and the last good one's (the
    /// newest not marked bad), which a rollback goes to first.
    var protectedRevisions: Set<Revision> {
        var revisions = Set(clients.values.map(\.revision))
        if let newest = goodTags.first { revisions.insert(newest.revision) }
        if let lastGood = lastGood() { revisions.insert(lastGood.revision) }
        return revisions
    }
}
