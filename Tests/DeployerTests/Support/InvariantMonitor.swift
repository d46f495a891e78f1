import Deployer
import FleetTypes

/// Watches the events fed to an engine and the actions it returns, and records every broken safety rule:
/// two processing clients in one instance, a token to an unauthenticated client, an epoch that does not grow.
struct InvariantMonitor {
    private(set) var violations: [String] = []
    private var authenticated: Set<ClientID> = []
    private var processing: [Int: Set<ClientID>] = [:]
    private var epochs: [Int: Int] = [:]
    private var lastProcessEpoch: [Int: Int] = [:]

    static func instance(of id: ClientID) -> Int {
        Int(id.rawValue.dropFirst("shard-".count).split(separator: ".").first ?? "") ?? -1
    }

    /// Every socket closed with the old daemon; the bots keep processing.
    mutating func daemonRestarted() {
        authenticated = []
    }

    mutating func observe(_ event: DeployerEvent) {
        switch event {
        case .disconnected(let id):
            authenticated.remove(id)
        case .exited(let id, _):
            authenticated.remove(id)
            processing[Self.instance(of: id)]?.remove(id)
        default:
            break
        }
    }

    mutating func observe(_ action: DeployerAction) {
        switch action {
        case .admit(let id):
            authenticated.insert(id)
        case .hello(let id, let processCommands):
            if !authenticated.contains(id) { violations.append("hello to unauthenticated \(id)") }
            if processCommands { startProcessing(id, epoch: nil) }
        case .send(let id, .processCommands(_, let epoch)):
            if !authenticated.contains(id) { violations.append("process_commands to unauthenticated \(id)") }
            startProcessing(id, epoch: epoch)
        case .send(let id, .coma(_, let epoch)):
            let index = Self.instance(of: id)
            if epoch < epochs[index, default: 0] {
                violations.append("coma epoch \(epoch) to \(id) below \(epochs[index, default: 0])")
            }
            epochs[index] = max(epochs[index, default: 0], epoch)
            processing[index]?.remove(id)
        default:
            break
        }
    }

    private mutating func startProcessing(_ id: ClientID, epoch: Int?) {
        let index = Self.instance(of: id)
        if let epoch {
            if epoch < epochs[index, default: 0] { violations.append("epoch \(epoch) to \(id) below \(epochs[index, default: 0])") }
            if let last = lastProcessEpoch[index], epoch <= last {
                violations.append("process_commands epoch \(epoch) to \(id) not above \(last)")
            }
            lastProcessEpoch[index] = epoch
            epochs[index] = max(epochs[index, default: 0], epoch)
        }
        let others = processing[index, default: []].subtracting([id])
        if !others.isEmpty {
            violations.append("\(id) processes while \(others.sorted()) still do in instance \(index)")
        }
        processing[index, default: []].insert(id)
    }
}
