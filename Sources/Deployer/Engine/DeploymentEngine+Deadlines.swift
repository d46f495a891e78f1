/// What happens when time passes: gate timeouts, lost connections, periodic health checks, coma timeouts.
extension DeploymentEngine {
    mutating func tickDeadlines() {
        for id in clients.keys.sorted() {
            guard let client = clients[id] else { continue }
            if var gate = client.gate, let deadline = gate.nextDeadline, deadline <= now {
                let actions = gate.tick(now: now)
                clients[id]?.gate = gate
                for case .failed(let reason) in actions { candidateFailed(id, reason: reason) }
            }
            if let deadline = client.reconnectDeadline, deadline <= now { connectionLost(id) }
            if let deadline = client.identifyDeadline, deadline <= now {
                clients[id]?.identifyDeadline = nil
                connectionLost(id)
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

    /// A client stayed away past its grace (or never came back after a daemon restart).
    private mutating func connectionLost(_ id: ClientID) {
        guard let client = clients[id] else { return }
        clients[id]?.reconnectDeadline = nil
        audit("client.lost", instance: client.instance, client: id, ["role": client.role.rawValue])
        switch client.role {
        case .candidate:
            candidateFailed(id, reason: .disconnected)
        case .active:
            activeFailed(id, reason: .disconnected)
            retire(id, reason: "lost")
        case .standby:
            retire(id, reason: "lost")
        case .retiring:
            break
        }
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
