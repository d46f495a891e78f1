import Deployer
import Foundation
import FleetTypes
import Testing

/// A test bench: the engine, a manual clock, simulated bots that answer its actions (``autopilot``), and an
/// ``InvariantMonitor`` over everything that passes.
struct Fleet {
    var engine: DeploymentEngine
    var now = Date(timeIntervalSince1970: 1_800_000_000)
    /// Every action so far.
    var log: [DeployerAction] = []
    /// Every event so far.
    var events: [DeployerEvent] = []
    /// The engine's answer to the last event sent (not to those the autopilot answered it with).
    var reply: EngineReply = .noted
    var monitor = InvariantMonitor()
    /// Bots answer actions by themselves.
    var autopilot = true
    var bots: [Revision: Bot] = [:]
    /// Refs whose release step fails.
    var brokenReleases: Set<String> = []
    /// Launch keys by client.
    var keys: [ClientID: String] = [:]
    var revisions: [ClientID: Revision] = [:]
    var alive: Set<ClientID> = []
    /// Deployments by id, as last recorded.
    var deployments: [Int: DeploymentRecord] = [:]
    /// The revisions of the active clients when each deployment started running.
    var servingAtStart: [Int: Set<Revision>] = [:]
    /// Where every step is stored, when set.
    var store: DeployerStore?

    init(_ settings: DeployerSettings, recovered: RecoveredState = .init(), goodTags: [GoodTag] = []) {
        var recovered = recovered
        if !goodTags.isEmpty { recovered.goodTags = goodTags }
        engine = DeploymentEngine(settings: settings, keys: CountingKeySource(), recovered: recovered)
        absorb(engine.start(at: now))
    }

    /// Feeds an event; with the autopilot on, the bots' answers too, until nothing is left to answer.
    @discardableResult
    mutating func send(_ event: DeployerEvent) -> [DeployerAction] {
        var queue = [event]
        var produced: [DeployerAction] = []
        let sent = events.count + 1
        while !queue.isEmpty {
            let next = queue.removeFirst()
            events.append(next)
            monitor.observe(next)
            let step = engine.handle(next, at: now)
            if events.count == sent { reply = step.reply }
            let actions = step.actions
            absorb(actions)
            do {
                try store?.record(actions, snapshot: engine.snapshot, at: now)
            } catch {
                Issue.record(error, "the store refused a step")
            }
            produced += actions
            if autopilot { for action in actions { queue += answers(action) } }
        }
        return produced
    }

    /// Restarts the daemon: a new engine from the store; the bots live on, reconnect and (unless `identifying` is
    /// false: bots that send `identify` only on their first connection) identify.
    mutating func restartDaemon(identifying: Bool = true) throws {
        let store = try #require(store)
        let recovered = try store.recover(goodTags: engine.goodTags)
        engine = DeploymentEngine(settings: engine.settings, keys: CountingKeySource(count: 1000), recovered: recovered)
        monitor.daemonRestarted()
        let actions = engine.start(at: now)
        absorb(actions)
        try store.record(actions, snapshot: engine.snapshot, at: now)
        if autopilot { for action in actions { for event in answers(action) { send(event) } } }
        for id in alive.sorted() {
            send(.connect(id, key: keys[id] ?? ""))
            if identifying { send(.identified(id)) }
        }
    }

    /// Moves the clock forward, ticking at every deadline on the way.
    @discardableResult
    mutating func advance(_ duration: Duration) -> [DeployerAction] {
        let end = now.addingTimeInterval(seconds(duration))
        var produced: [DeployerAction] = []
        while let deadline = engine.nextDeadline, deadline <= end {
            now = max(now, deadline)
            produced += send(.tick)
        }
        now = end
        produced += send(.tick)
        return produced
    }

    /// Asks for a deployment of `revision`.
    @discardableResult
    mutating func deploy(_ revision: Revision, trigger: Trigger = .cli, force: Bool = false) -> [DeployerAction] {
        send(.request(DeploymentRequest(ref: revision.rawValue, trigger: trigger, who: "test", force: force)))
    }

    /// The client ids launched so far, in order.
    var launched: [ClientID] {
        log.compactMap { if case .launch(let order) = $0 { order.client } else { nil } }
    }

    /// The revision of each instance's active client (nil when none).
    var activeRevisions: [Revision?] { engine.status().instances.map { $0.active?.revision } }

    var status: EngineStatus { engine.status() }

    /// Commands sent to one client, in order.
    func commands(to id: ClientID) -> [ClientCommand] {
        log.compactMap { if case .send(id, let command) = $0 { command } else { nil } }
    }

    func audits(_ kind: String) -> [AuditEntry] {
        log.compactMap { if case .audit(let entry) = $0, entry.kind == kind { entry } else { nil } }
    }

    /// Brings a launched client through its gate by hand: launched, connect, identify, ready, report.
    mutating func pass(_ id: ClientID, report: HealthReport = .healthy) {
        send(.launched(id, pid: 1000, startTime: 1))
        send(.connect(id, key: keys[id] ?? ""))
        send(.identified(id))
        send(.ready(id))
        send(.healthReport(id, report))
    }

    private mutating func absorb(_ actions: [DeployerAction]) {
        for action in actions {
            log.append(action)
            monitor.observe(action)
            switch action {
            case .launch(let order):
                keys[order.client] = order.key
                revisions[order.client] = order.revision
            case .recordDeployment(let record):
                deployments[record.id] = record
                if record.outcome == .running, servingAtStart[record.id] == nil {
                    let actives = engine.snapshot.clients.filter { $0.role == .active }
                    servingAtStart[record.id] = Set(actives.map(\.revision))
                }
            default:
                break
            }
        }
    }

    /// What the simulated bots and the simulated supervisor and release store do in answer to an action.
    private mutating func answers(_ action: DeployerAction) -> [DeployerEvent] {
        func bot(_ id: ClientID) -> Bot { bots[revisions[id] ?? Revision("")] ?? .healthy }
        switch action {
        case .prepareRelease(let deployment, let ref):
            return [.releasePrepared(deployment: deployment, result: brokenReleases.contains(ref)
                ? .failed("checkout of \(ref) failed") : .prepared(Revision(ref)))]
        case .launch(let order):
            let behaviour = bot(order.client)
            if behaviour.launchFails { return [.launchFailed(order.client, message: "no such file")] }
            alive.insert(order.client)
            var events: [DeployerEvent] = [.launched(order.client, pid: 4000, startTime: 7)]
            if behaviour.identifies { events += [.connect(order.client, key: order.key), .identified(order.client)] }
            return events
        case .hello(let id, false):
            return bot(id).readies && alive.contains(id) ? [.ready(id)] : []
        case .send(let id, .healthCheck):
            guard alive.contains(id), let report = bot(id).report else { return [] }
            return [.healthReport(id, report)]
        case .send(let id, .coma):
            return bot(id).confirmsComa && alive.contains(id) ? [.comaConfirmed(id)] : []
        case .send(let id, .shutdown):
            return alive.contains(id) ? [.shutdownAnnounced(id, reason: "asked")] : []
        case .stop(let id):
            guard alive.remove(id) != nil else { return [] }
            return [.disconnected(id), .exited(id, .exited(code: 0))]
        case .tagGood(let revision, let deployment):
            return [.taggedGood(GoodTag(revision: revision, tag: "good/\(deployment)"))]
        default:
            return []
        }
    }

    /// Kills a simulated bot: its socket closes and its process exits with `status`.
    mutating func crash(_ id: ClientID, status: Int32 = 1) {
        guard alive.remove(id) != nil else { return }
        send(.disconnected(id))
        send(.exited(id, .exited(code: status)))
    }

    private func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }
}

extension DeployerSettings {
    /// Quick settings for tests: `instances` shards, 1 s pacing, short bakes.
    static func test(instances: Int = 1) -> DeployerSettings {
        DeployerSettings(
            instances: instances, bake: .seconds(60), batch: .count(2), batchBake: .seconds(10),
            watch: .seconds(120), identifySpacing: .seconds(1)
        )
    }
}

extension Fleet {
    /// A fleet whose every instance serves `revision`, deployed and tagged good through a full rollout.
    static func serving(_ revision: Revision, _ settings: DeployerSettings, goodTags: [GoodTag] = []) -> Fleet {
        var fleet = Fleet(settings, goodTags: goodTags)
        fleet.deploy(revision)
        fleet.advance(.seconds(3600))
        return fleet
    }

    /// The last deployment recorded.
    var lastDeployment: DeploymentRecord? { deployments.values.max { $0.id < $1.id } }

    /// The active client of an instance.
    func active(_ instance: Int) -> ClientID? { status.instances[instance].active?.id }

    /// The standby client of an instance.
    func standby(_ instance: Int) -> ClientID? { status.instances[instance].standby?.id }
}
