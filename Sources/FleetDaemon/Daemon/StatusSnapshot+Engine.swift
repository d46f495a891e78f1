import AdminAPI
import Deployer
import FleetTypes
import Supervisor

/// The one place where the engine's plain values become the admin API's documents (`status --json`,
/// `history --json`); ``Daemon/status()`` then adds what only the daemon knows of each client.
extension StatusSnapshot {
    /// The document of what the engine knows; no client has a heartbeat, usage or location yet.
    init(_ engine: EngineStatus) {
        let state: State = switch engine.state {
        case .idle: .idle
        case .deploying: .deploying
        case .halted: .halted
        }
        self.init(
            state: state, haltReason: engine.haltReason, revision: engine.revision,
            lastGood: engine.lastGood.map { LastGood(revision: $0.revision, tag: $0.tag) },
            deployment: engine.deployment.map { running in
                Deployment(
                    id: running.record.id, revision: running.revision, ref: running.record.ref,
                    trigger: running.record.trigger, phase: running.phase, wave: running.wave, waves: running.waves,
                    phaseEndsAt: running.phaseEndsAt, startedAt: running.record.startedAt)
            },
            instances: engine.instances.map { instance in
                Instance(
                    instance: instance.instance, epoch: instance.epoch, active: instance.active.map(Client.init),
                    standby: instance.standby.map(Client.init), candidate: instance.candidate.map(Client.init))
            },
            bad: engine.bad.map { Bad(revision: $0.revision, reason: $0.reason, markedAt: $0.markedAt) },
            storeError: engine.storeError.map {
                StoreError(error: $0.error, since: $0.since, pendingEvents: $0.pendingEvents)
            })
    }
}

extension StatusSnapshot.Client {
    /// A client as the engine knows it.
    init(_ engine: EngineStatus.Client) {
        self.init(
            client: engine.id, revision: engine.revision, pid: engine.pid, state: engine.state, epoch: engine.epoch,
            since: engine.since, confirmBy: engine.confirmBy, restarts: engine.restarts)
    }

    /// Says where the client runs, from its launch record: for one an orchestrator runs (a record with a
    /// ``LaunchRecord/location``), its node (host name, else id), task and container, and no pid (the container's
    /// pid on its node means nothing here); for a local process, its pid and no location.
    mutating func place(_ record: LaunchRecord) {
        guard let location = record.location else { return }
        pid = nil
        node = [location.node, location.nodeID].first { !$0.isEmpty }
        task = location.taskID.isEmpty ? nil : location.taskID
        container = location.containerID.isEmpty ? nil : location.containerID
    }
}

extension HistoryEntry {
    /// The row of a deployment: its revision, or the ref asked for when it never resolved; its start, or when it was
    /// asked for when it never ran.
    init(_ record: DeploymentRecord) {
        self.init(
            id: record.id, revision: record.revision?.rawValue ?? record.ref, trigger: record.trigger,
            outcome: record.outcome, reason: record.reason, startedAt: record.startedAt ?? record.requestedAt,
            finishedAt: record.finishedAt)
    }
}
