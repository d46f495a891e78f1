import FleetTypes
import Foundation

/// The fenced handover of one instance: the old active gets `coma` with the next epoch; on its confirmation
/// (or `coma_timeout`) the candidate gets `process_commands` with that epoch. An old active that cannot be
/// reached is stopped instead, and the candidate takes over when it has exited: never two actives.
extension DeploymentEngine {
    mutating func beginHandover(of index: Int, candidate: ClientID, reason: String) {
        guard instances[index].handover == nil else { return }
        let purposeKeepsStandby = clients[candidate]?.purpose == .rollout && clients[candidate]?.role == .candidate
        var handover = Handover(
            candidate: candidate, old: instances[index].active, epoch: instances[index].epoch + 1, reason: reason,
            keepOldAsStandby: settings.keepStandby && purposeKeepsStandby, startedAt: now
        )
        audit(.handoverStarted(old: handover.old, epoch: handover.epoch, reason: reason), instance: index, client: candidate)
        if let old = handover.old, let oldClient = clients[old] {
            if oldClient.reachable {
                sendComa(to: old, reason: reason, epoch: handover.epoch)
                handover.comaSentAt = now
                handover.comaDeadline = now.adding(settings.comaTimeout)
            } else {
                retire(old, reason: "replaced while unreachable")
            }
            instances[index].handover = handover
            return
        }
        instances[index].handover = handover
        commitHandover(of: index)
    }

    mutating func comaConfirmed(_ id: ClientID) {
        guard let client = clients[id] else { return }
        let index = client.instance
        guard let handover = instances[index].handover, handover.old == id, handover.comaSentAt != nil else { return }
        audit(.handoverComaConfirmed, instance: index, client: id)
        commitHandover(of: index)
    }

    /// The coma confirmation is overdue: carry on (the epoch fences the old active).
    mutating func comaTimedOut(of index: Int) {
        guard let handover = instances[index].handover else { return }
        audit(.handoverComaTimeout, instance: index, client: handover.old)
        instances[index].handover?.comaDeadline = nil
        commitHandover(of: index)
    }

    /// The old active stopped (coma confirmed or timed out, or it exited): the candidate takes over, when reachable.
    mutating func commitHandover(of index: Int) {
        guard var handover = instances[index].handover else { return }
        handover.comaDeadline = nil
        instances[index].handover = handover
        if let old = handover.old, clients[old] != nil, handover.comaSentAt == nil { return }
        if handover.oldStoppedAt == nil {
            handover.oldStoppedAt = now
            instances[index].handover = handover
        }
        guard let candidate = clients[handover.candidate], candidate.reachable, candidate.identified else { return }
        instances[index].handover = nil
        if let old = handover.old, clients[old] != nil {
            if handover.keepOldAsStandby {
                if let previous = instances[index].standby, previous != old { retire(previous, reason: "replaced") }
                clients[old]?.role = .standby
                clients[old]?.since = wallNow
                clients[old]?.nextProbe = nil
                clients[old]?.probeDeadline = nil
                instances[index].standby = old
            } else {
                clients[old]?.role = .retiring
                retire(old, reason: "replaced by \(handover.candidate)")
            }
        }
        if instances[index].standby == handover.candidate { instances[index].standby = nil }
        if instances[index].candidate == handover.candidate { instances[index].candidate = nil }
        instances[index].epoch = handover.epoch
        instances[index].active = handover.candidate
        if handover.reason != "\(LaunchPurpose.restart)" && handover.reason != "\(LaunchPurpose.repair)" {
            instances[index].restarts = 0
        }
        clients[handover.candidate]?.role = .active
        clients[handover.candidate]?.gate = nil
        clients[handover.candidate]?.since = wallNow
        clients[handover.candidate]?.epoch = handover.epoch
        emit(.send(handover.candidate, .processCommands(reason: handover.reason, epoch: handover.epoch)))
        let stoppedAt = handover.oldStoppedAt ?? now
        audit(.handoverCommitted(
            epoch: handover.epoch, old: handover.old, gapSeconds: now.timeIntervalSince(stoppedAt),
            sinceComaSeconds: handover.comaSentAt.map { now.timeIntervalSince($0) }
        ), instance: index, client: handover.candidate)
        if clients[handover.candidate]?.purpose == .repair { repairSucceeded(of: index, by: handover.candidate) }
        if let client = clients[handover.candidate], isWatched(client), settings.healthInterval > .zero {
            let due = now.adding(settings.healthInterval)
            clients[handover.candidate]?.nextProbe = due
        }
    }

    /// The candidate was lost before it took over: the old active, if it got `coma`, resumes with a newer epoch.
    mutating func abandonHandover(of index: Int) {
        guard let handover = instances[index].handover else { return }
        instances[index].handover = nil
        audit(.handoverAbandoned, instance: index, client: handover.candidate)
        guard let old = handover.old, instances[index].active == old, let oldClient = clients[old],
            handover.comaSentAt != nil, !oldClient.shutdownRequested
        else { return }
        instances[index].epoch = handover.epoch
        if oldClient.reachable {
            emit(.send(old, .processCommands(reason: "handover abandoned", epoch: handover.epoch)))
        }
        clients[old]?.epoch = handover.epoch
    }

    /// A candidate whose gate passed came back after a disconnect: its handover may now commit.
    mutating func commitWaitingHandover(of index: Int, candidate: ClientID) {
        guard let handover = instances[index].handover, handover.candidate == candidate,
            handover.comaDeadline == nil
        else { return }
        commitHandover(of: index)
    }

    /// The `coma` a handover already sent to this active, to repeat when it reconnects; `nil` when none.
    func pendingComa(of index: Int, old: ClientID) -> (reason: String, epoch: Int)? {
        guard let handover = instances[index].handover, handover.old == old, handover.comaSentAt != nil else {
            return nil
        }
        return (handover.reason, handover.epoch)
    }
}
