import FleetTypes

/// Launches (paced by `max_concurrency` per `identify_spacing`) and restarts of crashed actives.
extension DeploymentEngine {
    /// Queues a launch for an instance, replacing one that waited.
    mutating func queueLaunch(of index: Int, revision: Revision, purpose: LaunchPurpose, delay: Duration = .zero) {
        pendingSequence += 1
        instances[index].pending = PendingLaunch(
            revision: revision, purpose: purpose, notBefore: now.adding(delay), sequence: pendingSequence
        )
        audit(.launchQueued(revision: revision, purpose: "\(purpose)", delaySeconds: delay.timeInterval), instance: index)
    }

    /// Starts the waiting launches whose time has come, as far as the pacing allows, first come first served.
    ///
    /// It runs in every round of every engine step: when the pacing has no slot now, or no launch waits, it returns
    /// before it lists the instances (which cost the fleet's size per step, N² per rollout).
    mutating func launchPending() {
        guard pacer.nextSlot(after: now) <= now, instances.contains(where: { $0.pending != nil }) else { return }
        let due = instances.compactMap { instance in
            instance.pending.flatMap { $0.notBefore <= now && instance.candidate == nil ? (instance.index, $0) : nil }
        }.sorted { $0.1.sequence < $1.1.sequence }
        for (index, pending) in due {
            guard pacer.nextSlot(after: now) <= now else { return }
            pacer.record(now)
            launch(index, pending)
        }
    }

    private mutating func launch(_ index: Int, _ pending: PendingLaunch) {
        instances[index].pending = nil
        instances[index].launches += 1
        if pending.purpose == .restart || pending.purpose == .repair { instances[index].restarts += 1 }
        let id = ClientID(instance: index, launch: instances[index].launches)
        let key = keys.nextKey(for: id)
        clients[id] = ClientState(
            id: id, instance: index, revision: pending.revision, keyHash: KeyHash(key: key), role: .candidate,
            purpose: pending.purpose, since: wallNow, epoch: instances[index].epoch,
            gate: Gate(launchedAt: now, settings: settings)
        )
        instances[index].candidate = id
        emit(.launch(LaunchOrder(
            client: id, instance: index, shardCount: settings.instances, revision: pending.revision, key: key
        )))
        audit(.clientLaunch(revision: pending.revision, purpose: "\(pending.purpose)"), instance: index, client: id)
    }

    /// Admits a client started by hand as the candidate of `index`, when no deployment runs and the instance is free.
    mutating func unmanagedConnected(_ id: ClientID, instance index: Int) {
        guard clients[id] == nil, rollout == nil, instances.indices.contains(index), instances[index].isSettled else {
            refuseConnection(id, reason: "unauthorized")
            audit(.clientRefused(why: "unmanaged client for instance \(index) while it is missing or busy"), client: id)
            return
        }
        var client = ClientState(
            id: id, instance: index, revision: Revision("unmanaged"), keyHash: KeyHash(key: keys.nextKey(for: id)),
            role: .candidate, purpose: .unmanaged, since: wallNow, epoch: instances[index].epoch,
            gate: Gate(launchedAt: now, settings: settings)
        )
        client.authenticated = true
        clients[id] = client
        instances[index].candidate = id
        admitConnection(id)
        audit(.clientUnmanaged, instance: index, client: id)
    }

    /// An active exited outside a watched rollout: restart it with backoff; a crash loop asks for a rollback.
    mutating func activeExited(_ client: ClientState, reason: FailureReason) {
        if isWatched(client) {
            rolloutFailed(instance: client.instance, client: client.id, reason: reason, served: true)
            return
        }
        if let plan = rollout?.rollback, plan.undoing == client.revision { return }
        if client.purpose == .unmanaged {
            unmanagedLeft(client)
            return
        }
        restartFailed(instance: client.instance, revision: client.revision)
    }

    /// An unmanaged active left (it has no process: its socket closing is its exit): its instance gets a managed
    /// client at once, of the last good revision, else of the revision the other instances serve.
    private mutating func unmanagedLeft(_ client: ClientState) {
        let clients = self.clients
        let serving = instances.compactMap { $0.active.flatMap { clients[$0] } }
            .first { $0.purpose != .unmanaged }?.revision
        guard let revision = lastGood()?.revision ?? serving, instances[client.instance].isSettled else { return }
        queueLaunch(of: client.instance, revision: revision, purpose: .restart)
    }

    /// Counts an exit of the instance's active (or of its restart) and schedules the next restart.
    mutating func restartFailed(instance index: Int, revision: Revision) {
        let window = settings.crashWindow
        instances[index].exits = instances[index].exits.filter { $0.adding(window) > now } + [now]
        let recent = instances[index].exits.count
        if recent >= settings.crashLoop {
            instances[index].exits = []
            audit(.instanceCrashLoop(revision: revision, exits: recent), instance: index)
            requestAutoRollback(from: revision, instance: index, exits: recent)
        }
        guard instances[index].active == nil, instances[index].isSettled else { return }
        let factor = 1 << min(max(recent - 1, 0), 16)
        let delay = min(settings.restartBackoff * factor, settings.maxRestartBackoff)
        queueLaunch(of: index, revision: revision, purpose: .restart, delay: delay)
    }

    private mutating func requestAutoRollback(from revision: Revision, instance index: Int, exits: Int) {
        guard let target = lastGood(excluding: revision) else {
            emit(.notify(Notice(level: .warning, message:
                "Instance \(index) of \(revision) is in a crash loop (\(exits) exits) and no good revision is left to roll back to.")))
            return
        }
        guard admitAutomaticRollback() else { return }
        let why = "crash loop: instance \(index) of \(revision) exited \(exits) times within "
            + Self.seconds(settings.crashWindow)
        emit(.notify(Notice(level: .warning, message: "\(why); rolling back to \(target.revision) (\(target.tag)).")))
        enqueue(DeploymentRequest(
            ref: target.revision.rawValue, trigger: .autoRollback,
            who: "crash loop of instance \(index) (\(exits) exits)", immediate: true, reason: why
        ))
    }

    /// Counts an automatic rollback against `max_auto_rollbacks` per hour; past the cap the daemon halts.
    mutating func admitAutomaticRollback() -> Bool {
        autoRollbacks = autoRollbacks.filter { $0.adding(.seconds(3600)) > now }
        guard autoRollbacks.count < settings.maxAutoRollbacks else {
            halt("more than \(settings.maxAutoRollbacks) automatic rollbacks within an hour")
            return false
        }
        autoRollbacks.append(now)
        return true
    }

    /// Stops automatic deployments until an operator resumes; keeps what still serves.
    mutating func halt(_ reason: String) {
        guard haltReason == nil else { return }
        haltReason = reason
        audit(.daemonHalted(reason: reason))
        emit(.notify(Notice(level: .critical, message:
            "urban-robot halted: \(reason). Automatic deployments are refused until `urban-robot resume`.")))
    }
}
