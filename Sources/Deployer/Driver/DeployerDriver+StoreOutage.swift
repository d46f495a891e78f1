import Foundation

/// The engine while the state store fails: its time frozen at the failed step, and the fact events that wait.
struct PausedEngine {
    /// The store's latest error.
    var error: String
    /// When the first write failed (wall clock).
    var since: Date
    /// The engine's time when the first write failed; it stands still there until the store works again.
    var frozenAt: Date
    /// Events that report facts, in the order they came, to apply once the store works (with the rows they
    /// brought).
    var pending: [DriverInbox.Waiting]
    /// Whether the effects were told of this outage.
    var reported = false
    /// How many waiting events were applied so far.
    var applied = 0

    /// The `status --json` form.
    var description: StoreOutage { StoreOutage(error: error, since: since, pendingEvents: pending.count) }

    /// Queues those of `submitted` that report facts (``DeployerEvent/whileTheStoreFails`` is `.waits`), in order.
    mutating func keep(_ submitted: [DriverInbox.Waiting]) {
        pending.append(contentsOf: submitted.lazy.filter { $0.event.whileTheStoreFails == .waits })
    }
}

extension DeployerDriver {
    /// The engine's time: the clock's, less the time it stood still in outages; frozen during an outage (no
    /// deadline passes while the engine cannot record what it does).
    var engineNow: Date { outage?.frozenAt ?? clock.now.addingTimeInterval(-pausedFor) }

    /// Stores one step: nil when it was written. On failure the engine is set back to `before` (memory and
    /// database agree), the outage begins (or its error is updated) with the facts of `submitted` queued, and it is
    /// returned.
    /// Either way ``status()`` shows the result before the step's actions are performed, so that it is never
    /// behind what a reader of the store sees.
    func store(
        _ steps: [RecordedStep], undoing before: DeploymentEngine, at now: Date, wall: Date,
        submitted: [DriverInbox.Waiting]
    ) -> StoreOutage? {
        defer { publish() }
        do {
            try store.record(steps: steps, of: engine, at: wall)
            engine.markStored()
            return nil
        } catch {
            engine = before
            if outage == nil {
                outage = PausedEngine(error: "\(error)", since: wall, frozenAt: now, pending: [])
            } else {
                outage?.error = "\(error)"
            }
            outage?.keep(submitted)
            return outage?.description
        }
    }

    /// Tells the effects of an outage they have not heard of yet.
    func reportOutage() {
        guard let outage, !outage.reported else { return }
        self.outage?.reported = true
        effects.storeFailed(outage.description)
    }

    /// Applies the waiting events in order at the frozen time, then probes the store with a tick; when every
    /// write succeeded, the engine's time runs again from where it stood and the effects hear of the recovery.
    func retryTheStore() {
        while let waiting = outage?.pending.first {
            guard let actions = retry(waiting.event, rows: waiting.rows) else { return }
            outage?.pending.removeFirst()
            outage?.applied += 1
            perform(actions)
        }
        guard let actions = retry(.tick, rows: nil), let ended = outage else { return }
        let wall = clock.wallNow
        pausedFor = clock.now.timeIntervalSince(ended.frozenAt)
        outage = nil
        publish()
        effects.storeRecovered(after: .seconds(wall.timeIntervalSince(ended.since)), appliedEvents: ended.applied)
        perform(actions)
    }

    /// One step of the retry at the frozen time; its actions, or nil when the store still fails.
    private func retry(_ event: DeployerEvent, rows: StepRows?) -> [DeployerAction]? {
        guard let frozenAt = outage?.frozenAt else { return nil }
        let wall = clock.wallNow
        let before = engine
        let actions = engine.handle(event, at: frozenAt, wall: wall).actions
        let step = RecordedStep(actions: actions, deployment: engine.rollout?.record.id, rows: rows)
        return store([step], undoing: before, at: frozenAt, wall: wall, submitted: []) == nil ? actions : nil
    }
}
