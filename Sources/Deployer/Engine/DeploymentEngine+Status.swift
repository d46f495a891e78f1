import FleetTypes
import Foundation

/// Read-only views: the `status --json` snapshot and the persistent snapshot.
extension DeploymentEngine {
    /// What the engine knows of the fleet now (the daemon makes the `status --json` document of it).
    public func status() -> EngineStatus {
        let state: EngineStatus.State = haltReason != nil ? .halted : (rollout != nil ? .deploying : .idle)
        return EngineStatus(
            state: state, haltReason: haltReason, revision: fleetRevision, lastGood: goodTags.first,
            deployment: rollout.map { current in
                EngineStatus.Deployment(
                    record: current.record, revision: current.revision, phase: phaseWord(current), wave: current.wave,
                    waves: current.waves.count, phaseEndsAt: phaseEnd(current)
                )
            },
            instances: instances.map { instance in
                EngineStatus.Instance(
                    instance: instance.index, epoch: instance.epoch,
                    active: instance.active.flatMap(clientStatus).map { active in
                        var active = active
                        active.restarts = instance.restarts
                        return active
                    },
                    standby: instance.standby.flatMap(clientStatus), candidate: instance.candidate.flatMap(clientStatus)
                )
            },
            bad: badRevisions.values.sorted {
                ($0.markedAt, $0.revision.rawValue) > ($1.markedAt, $1.revision.rawValue)
            }
        )
    }

    /// What the store keeps after every step (with the deployment rows and the audit entries from the actions).
    public var snapshot: EngineSnapshot {
        EngineSnapshot(
            clients: clients.values.sorted { $0.id < $1.id }.map(\.record),
            epochs: Dictionary(uniqueKeysWithValues: instances.map { ($0.index, $0.epoch) }),
            launches: Dictionary(uniqueKeysWithValues: instances.map { ($0.index, $0.launches) }),
            restarts: Dictionary(uniqueKeysWithValues: instances.map { ($0.index, $0.restarts) }),
            haltReason: haltReason, deployment: rollout?.record.id
        )
    }

    /// What changed in the stored rows since ``markStored()``: the clients set or changed and the ids of those
    /// removed (only those: a step changes a few of hundreds), with every instance's counters and the halt, which
    /// the store compares with what it wrote.
    var unstoredChanges: SnapshotChanges {
        var changed: [ClientRecord] = []
        var removed: [ClientID] = []
        for id in clients.unstored.sorted() {
            if let client = clients[id] { changed.append(client.record) } else { removed.append(id) }
        }
        return SnapshotChanges(
            clients: changed, removed: removed,
            counters: instances.map { InstanceCounters(epoch: $0.epoch, launches: $0.launches, restarts: $0.restarts) },
            haltReason: haltReason)
    }

    /// Says that the store holds the clients as they are now (after its transaction committed).
    mutating func markStored() {
        clients.markStored()
    }

    private func clientStatus(_ id: ClientID) -> EngineStatus.Client? {
        guard let client = clients[id] else { return nil }
        return EngineStatus.Client(
            id: id, revision: client.revision, pid: client.pid, state: client.stateWord, epoch: client.epoch,
            since: client.since, confirmBy: client.confirmDeadline.map(wallTime(of:))
        )
    }

    private func phaseWord(_ rollout: Rollout) -> String {
        switch rollout.phase {
        case .preparing: "preparing"
        case .gating: rollout.wave == 0 ? "canary" : "batch"
        case .baking: "bake"
        case .watching: "watch"
        case .paused: "paused"
        case .rollingBack: "rollback"
        }
    }

    private func phaseEnd(_ rollout: Rollout) -> Date? {
        switch rollout.phase {
        case .baking(let until), .watching(let until): wallTime(of: until)
        default: nil
        }
    }

    /// A deadline of the engine's clock as a wall-clock time, for display: as far from the step's wall time as
    /// the deadline is from the step's engine time.
    func wallTime(of deadline: Date) -> Date {
        wallNow.addingTimeInterval(deadline.timeIntervalSince(now))
    }
}
