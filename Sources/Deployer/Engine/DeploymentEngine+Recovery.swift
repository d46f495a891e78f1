import FleetTypes
public import Foundation

/// Resuming after a daemon restart.
///
/// Policy: recorded actives and standbys are re-admitted when they reconnect (an active's `hello` carries
/// `process_commands: true` and its `ready` is answered with `ok`); recorded candidates are stopped; a deployment
/// that was running is **rolled back** (outcome `rolled-back`, reason "interrupted by a daemon restart"), or
/// ends `failed` when it had not touched an instance yet; a queued one waits again. A recorded client that does
/// not reconnect within `identify_timeout` (at least `reconnect_grace`) is lost: stopped, and restarted or
/// replaced like one that exited.
extension DeploymentEngine {
    mutating func adopt(_ records: [ClientRecord]) {
        for record in records where instances.indices.contains(record.instance) {
            let index = record.instance
            let launch = Int(record.client.rawValue.split(separator: ".").last ?? "") ?? 0
            instances[index].launches = max(instances[index].launches, launch)
            instances[index].epoch = max(instances[index].epoch, record.epoch)
            var client = ClientState(
                id: record.client, instance: index, revision: record.revision, keyHash: record.keyHash,
                role: record.role, purpose: .restart, since: record.since, pid: record.pid,
                startTime: record.startTime, epoch: record.epoch
            )
            client.adopted = true
            clients[record.client] = client
            switch record.role {
            case .active: instances[index].active = record.client
            case .standby: instances[index].standby = record.client
            case .candidate, .retiring: break
            }
        }
    }

    /// Begins work: re-admission deadlines for recovered clients, the fate of an interrupted deployment.
    /// Call once, before the first event.
    public mutating func start(at now: Date, wall: Date? = nil) -> [DeployerAction] {
        self.now = max(self.now, now)
        wallNow = wall ?? now
        let grace = max(settings.identifyTimeout, settings.reconnectGrace)
        for id in clients.keys.sorted() {
            guard let client = clients[id] else { continue }
            switch client.role {
            case .active, .standby: clients[id]?.reconnectDeadline = now.adding(grace)
            case .candidate, .retiring:
                clients[id]?.role = .retiring
                retire(id, reason: "interrupted by a daemon restart")
            }
        }
        let unfinished = recoveredDeployments.filter { $0.trigger != .repair }
        for record in recoveredDeployments where record.trigger == .repair {
            var stale = record
            stale.outcome = .failed
            stale.reason = (record.reason.map { "\($0); " } ?? "") + "interrupted by a daemon restart"
            stale.finishedAt = wallNow
            emit(.recordDeployment(stale))
        }
        recoveredDeployments = []
        for record in unfinished where record.outcome == .queued { waiting = record }
        let interrupted = unfinished.last { $0.outcome == .running }
        if let interrupted { resumeInterrupted(interrupted) }
        for record in unfinished where record.outcome == .running && record.id != interrupted?.id {
            var stale = record
            stale.outcome = .failed
            stale.reason = "interrupted by a daemon restart"
            stale.finishedAt = wallNow
            emit(.recordDeployment(stale))
        }
        progress()
        defer { outbox = [] }
        return outbox
    }

    private mutating func resumeInterrupted(_ record: DeploymentRecord) {
        rollout = Rollout(record: record)
        audit(.deploymentInterrupted(revision: record.revision))
        guard let revision = record.revision else {
            finishDeployment(.failed, reason: "interrupted by a daemon restart before any instance was touched")
            return
        }
        var touched: Set<Int> = []
        for client in clients.values where client.revision == revision { touched.insert(client.instance) }
        for instance in instances {
            if let standby = instance.standby, let client = clients[standby] {
                touched.insert(instance.index)
                rollout?.servingBefore[instance.index] = client.revision
            } else if let active = instance.active, let client = clients[active], client.revision != revision {
                rollout?.servingBefore[instance.index] = client.revision
            }
        }
        rollout?.touched = touched
        rollout?.phase = .gating
        beginRollback(outcome: .rolledBack, reason: "interrupted by a daemon restart; rolled back")
    }
}
