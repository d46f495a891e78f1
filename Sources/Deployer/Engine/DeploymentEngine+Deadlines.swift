import FleetTypes

/// What happens when time passes: gate timeouts, lost connections, periodic health checks, coma timeouts.
extension DeploymentEngine {
    mutating func tickDeadlines() {
        // A client with nothing due is passed over without copying it out; one whose deadline an earlier client's
        // turn moved is read at its own turn, as before.
        for id in clients.keys.sorted() where clients.hasDeadline(of: id, atOrBefore: now) {
            guard let client = clients[id] else { continue }
            if var gate = client.gate, let deadline = gate.nextDeadline, deadline <= now {
                let actions = gate.tick(now: now)
                clients[id]?.gate = gate
                for case .failed(let reason) in actions { candidateFailed(id, reason: reason) }
            }
            if let deadline = client.reconnectDeadline, deadline <= now { connectionLost(id, silence: .absent) }
            if let deadline = client.identifyDeadline, deadline <= now {
                clients[id]?.identifyDeadline = nil
                connectionLost(id, silence: .unidentified)
            }
            if let deadline = clients[id]?.probeDeadline, deadline <= now {
                clients[id]?.probeDeadline = nil
                activeFailed(id, reason: .healthCheckTimeout)
            }
            if let due = clients[id]?.nextProbe, due <= now { probe(id) }
        }
        for index in instances.indices {
            if let deadline = instances[index].handover?.comaDeadline, deadline <= now { comaTimedOut(of: index) }
        }
    }

    /// How a client fell silent.
    enum Silence {
        /// Its socket stayed closed past its grace (or it never reconnected after a daemon restart).
        case absent
        /// It connected but did not send `identify` in time.
        case unidentified
    }

    /// A client stayed away past its grace, or connected without identifying in time (also after a daemon
    /// restart). An active may still be serving: it is replaced through the gate and a handover, never stopped
    /// first (``wantRepair(of:reason:)``).
    private mutating func connectionLost(_ id: ClientID, silence: Silence) {
        guard let client = clients[id] else { return }
        clients[id]?.reconnectDeadline = nil
        audit(.clientLost(role: client.role), instance: client.instance, client: id)
        switch client.role {
        case .candidate:
            candidateFailed(id, reason: .disconnected)
        case .active:
            activeFailed(id, reason: .disconnected)
            guard instances[client.instance].active == id, clients[id]?.shutdownRequested == false else { return }
            wantRepair(of: client.instance, reason: silenceReason(client, silence))
        case .standby:
            retire(id, reason: "lost")
        case .retiring:
            break
        }
    }

    private func silenceReason(_ client: ClientState, _ silence: Silence) -> String {
        switch silence {
        case .absent where client.adopted:
            let grace = max(settings.identifyTimeout, settings.reconnectGrace)
            return "\(client.id) did not reconnect within \(Self.seconds(grace)) after a daemon restart"
        case .absent:
            return "\(client.id) disconnected and did not come back within \(Self.seconds(settings.reconnectGrace))"
        case .unidentified where client.adopted:
            return "\(client.id) reconnected after a daemon restart but sent no identify within "
                + Self.seconds(settings.identifyTimeout)
        case .unidentified:
            return "\(client.id) reconnected but sent no identify within \(Self.seconds(settings.identifyTimeout))"
        }
    }

    /// A duration for people: `30 s`, `1.5 s`.
    static func seconds(_ duration: Duration) -> String {
        let value = duration.timeInterval
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    private mutating func probe(_ id: ClientID) {
        guard let client = clients[id], isWatched(client) else {
            clients[id]?.nextProbe = nil
            return
        }
        guard client.reachable else {
            let due = now.adding(settings.healthInterval)
            clients[id]?.nextProbe = due
            return
        }
        clients[id]?.nextProbe = nil
        let deadline = now.adding(settings.checkTimeout)
        clients[id]?.probeDeadline = deadline
        emit(.send(id, .healthCheck))
    }
}
