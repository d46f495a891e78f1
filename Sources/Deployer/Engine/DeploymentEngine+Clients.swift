import FleetTypes

/// Messages and fates of single clients: credentials, identify, ready, reports, disconnects, exits.
extension DeploymentEngine {
    mutating func launched(_ id: ClientID, pid: Int32, startTime: UInt64) {
        guard clients[id] != nil else { return }
        clients[id]?.pid = pid
        clients[id]?.startTime = startTime
        audit(.clientLaunched(pid: pid), instance: clients[id]?.instance, client: id)
    }

    /// The reason of a ``DeployerAction/refuse(_:reason:)`` for credentials whose client id the engine does not know.
    public static let unknownClientID = "unknown client id"
    /// The reason of a ``DeployerAction/refuse(_:reason:)`` for a known client id with another key.
    public static let wrongKey = "wrong key"

    mutating func connect(_ id: ClientID, key: String) {
        guard var client = clients[id] else {
            refuseConnection(id, reason: Self.unknownClientID)
            audit(.clientRefused(why: Self.unknownClientID), client: id)
            return
        }
        guard client.keyHash.matches(key) else {
            refuseConnection(id, reason: Self.wrongKey)
            audit(.clientRefused(why: Self.wrongKey), instance: client.instance, client: id)
            return
        }
        client.authenticated = true
        client.identified = false
        client.reconnectDeadline = nil
        client.gate?.connected(now: now)
        if client.gate == nil { client.identifyDeadline = now.adding(settings.identifyTimeout) }
        clients[id] = client
        admitConnection(id)
        audit(.clientConnected, instance: client.instance, client: id)
    }

    /// Answers a connection with success: the socket is the client's.
    mutating func admitConnection(_ id: ClientID) {
        reply = .admitted
        emit(.admit(id))
    }

    /// Answers a connection with CONNECT_ERROR `reason`.
    mutating func refuseConnection(_ id: ClientID, reason: String) {
        reply = .refused(reason, deployment: nil)
        emit(.refuse(id, reason: reason))
    }

    mutating func identified(_ id: ClientID) {
        guard var client = clients[id], client.authenticated else { return }
        client.identified = true
        client.adopted = false
        client.identifyDeadline = nil
        clients[id] = client
        switch client.role {
        case .candidate:
            if var gate = client.gate, !gate.isFinished {
                let actions = gate.identified(now: now)
                clients[id]?.gate = gate
                perform(actions, for: id)
            } else {
                emit(.hello(id, processCommands: false))
                commitWaitingHandover(of: client.instance, candidate: id)
            }
        case .active where client.shutdownRequested:
            emit(.hello(id, processCommands: false))
            emit(.send(id, .shutdown(reason: "retired")))
        case .active:
            if let coma = pendingComa(of: client.instance, old: id) {
                emit(.hello(id, processCommands: false))
                sendComa(to: id, reason: coma.reason, epoch: coma.epoch)
            } else {
                emit(.hello(id, processCommands: true))
                audit(.clientReadmitted(epoch: client.epoch), instance: client.instance, client: id)
            }
        case .standby:
            emit(.hello(id, processCommands: false))
            sendComa(to: id, reason: "standby", epoch: instances[client.instance].epoch)
        case .retiring:
            emit(.hello(id, processCommands: false))
            emit(.send(id, .shutdown(reason: "retired")))
        }
    }

    mutating func ready(_ id: ClientID) {
        guard let client = clients[id], client.authenticated else { return }
        switch client.role {
        case .active:
            guard !client.shutdownRequested, pendingComa(of: client.instance, old: id) == nil else { return }
            emit(.send(id, .ok))
        case .candidate:
            guard var gate = client.gate else { return }
            let actions = gate.ready(now: now)
            clients[id]?.gate = gate
            perform(actions, for: id)
        case .standby, .retiring:
            return
        }
    }

    mutating func healthReport(_ id: ClientID, _ report: HealthReport) {
        guard let client = clients[id], client.authenticated else { return }
        if client.role == .candidate, var gate = client.gate {
            let actions = gate.report(report)
            clients[id]?.gate = gate
            audit(.healthReport(ok: report.ok, percent: report.percent), instance: client.instance, client: id)
            perform(actions, for: id)
        } else if client.role == .active, client.probeDeadline != nil {
            clients[id]?.probeDeadline = nil
            if let reason = settings.health.judge(report) {
                activeFailed(id, reason: reason)
            } else {
                let due = now.adding(settings.healthInterval)
                clients[id]?.nextProbe = due
                audit(.healthProbePassed, instance: client.instance, client: id)
            }
        }
    }

    mutating func shutdownAnnounced(_ id: ClientID, reason: String?) {
        guard let client = clients[id], !client.shutdownRequested else { return }
        audit(.clientUnaskedShutdown(reason: reason ?? ""), instance: client.instance, client: id)
        switch client.role {
        case .candidate: candidateFailed(id, reason: .unaskedShutdown(reason: reason))
        case .active: activeFailed(id, reason: .unaskedShutdown(reason: reason))
        case .standby, .retiring: break
        }
    }

    mutating func disconnected(_ id: ClientID) {
        guard var client = clients[id], client.authenticated else { return }
        client.authenticated = false
        client.identified = false
        client.identifyDeadline = nil
        if var gate = client.gate, !gate.isFinished {
            gate.disconnected(now: now)
            client.gate = gate
        } else if client.role != .retiring {
            client.reconnectDeadline = now.adding(settings.reconnectGrace)
        }
        clients[id] = client
        audit(.clientDisconnected, instance: client.instance, client: id)
    }

    mutating func exited(_ id: ClientID, _ exit: TerminationStatus) {
        guard let client = clients[id] else { return }
        audit(.clientExited(exit: exit, role: client.role), instance: client.instance, client: id)
        processGone(id, reason: .exited(exit))
    }

    mutating func launchFailed(_ id: ClientID, message: String) {
        guard clients[id] != nil else { return }
        processGone(id, reason: .launchFailed(message: message))
    }

    /// The client's process is gone (exited, or never started): it leaves every slot and its fate follows.
    private mutating func processGone(_ id: ClientID, reason: FailureReason) {
        guard let client = clients.removeValue(forKey: id) else { return }
        let index = client.instance
        if instances[index].standby == id { instances[index].standby = nil }
        if instances[index].candidate == id { instances[index].candidate = nil }
        if let handover = instances[index].handover {
            if handover.candidate == id {
                abandonHandover(of: index)
            } else if handover.old == id {
                instances[index].active = nil
                commitHandover(of: index)
            }
        }
        switch client.role {
        case .candidate:
            candidateFailed(client, reason: reason)
        case .active where instances[index].active == id:
            instances[index].active = nil
            activeExited(client, reason: reason)
        default:
            break
        }
    }

    /// A candidate failed its gate (or was lost before its handover).
    mutating func candidateFailed(_ id: ClientID, reason: FailureReason) {
        guard let client = clients[id], client.role == .candidate else { return }
        if instances[client.instance].handover?.candidate == id { abandonHandover(of: client.instance) }
        retire(id, reason: reason.code)
        candidateFailed(client, reason: reason)
    }

    private mutating func candidateFailed(_ client: ClientState, reason: FailureReason) {
        if instances[client.instance].candidate == client.id { instances[client.instance].candidate = nil }
        audit(.gateFailed(
            reason: explain(reason) + failureContext(of: client.id, reason: reason, served: false).note,
            revision: client.revision
        ), instance: client.instance, client: client.id)
        switch client.purpose {
        case .rollout: rolloutFailed(instance: client.instance, client: client.id, reason: reason, served: false)
        case .rollback: rollbackTargetFailed(client.revision, instance: client.instance, reason: reason)
        case .restart: restartFailed(instance: client.instance, revision: client.revision)
        case .repair: repairFailed(of: client.instance, client: client.id, reason: reason)
        case .unmanaged: break
        }
    }

    /// A watched active failed (probe, unasked shutdown, lost connection): fails the rollout when it is watched.
    mutating func activeFailed(_ id: ClientID, reason: FailureReason) {
        guard let client = clients[id] else { return }
        audit(.activeFailed(reason: reason.description), instance: client.instance, client: id)
        if isWatched(client) { rolloutFailed(instance: client.instance, client: id, reason: reason, served: true) }
    }

    /// Tells a client to shut down and has it stopped; it leaves its instance's standby or candidate slot.
    mutating func retire(_ id: ClientID, reason: String) {
        guard var client = clients[id], !client.shutdownRequested else { return }
        if client.reachable { emit(.send(id, .shutdown(reason: reason))) }
        emit(.stop(id))
        client.shutdownRequested = true
        if client.role != .active { client.role = .retiring }
        client.gate = nil
        client.nextProbe = nil
        client.probeDeadline = nil
        client.reconnectDeadline = nil
        client.identifyDeadline = nil
        clients[id] = client
        if instances[client.instance].standby == id { instances[client.instance].standby = nil }
        if instances[client.instance].candidate == id { instances[client.instance].candidate = nil }
        audit(.clientRetired(reason: reason), instance: client.instance, client: id)
    }

    mutating func sendComa(to id: ClientID, reason: String, epoch: Int) {
        emit(.send(id, .coma(reason: reason, epoch: epoch)))
        clients[id]?.epoch = epoch
    }

    /// Whether a failure of this client fails the running rollout: an active of its revision on a touched instance.
    func isWatched(_ client: ClientState) -> Bool {
        guard let rollout, rollout.isAdvancing, client.role == .active else { return false }
        return rollout.touched.contains(client.instance) && client.revision == rollout.revision
    }

    private mutating func perform(_ actions: [Gate.Action], for id: ClientID) {
        for action in actions {
            switch action {
            case .sendHello:
                emit(.hello(id, processCommands: false))
            case .sendHealthCheck:
                emit(.send(id, .healthCheck))
            case .passed:
                guard let client = clients[id] else { return }
                audit(.gatePassed(revision: client.revision), instance: client.instance, client: id)
                beginHandover(of: client.instance, candidate: id, reason: "\(client.purpose)")
            case .failed(let reason):
                candidateFailed(id, reason: reason)
            }
        }
    }
}
