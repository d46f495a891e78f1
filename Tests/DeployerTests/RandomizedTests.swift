import Deployer
import Foundation
import FleetTypes
import TestSupport
import Testing

/// Thousands of random event orders (arrivals, timeouts, exits, disconnects, duplicate and late messages), with
/// the safety rules checked after every step and every deployment driven to a terminal outcome.
///
/// Seconds of pure computation: the seeds run one at a time and yield after every step, so that they never hold
/// the cooperative pool (two threads on a CI box) that the in-process servers of other suites need to answer.
@Suite(.serialized) struct RandomizedTests {
    static let seeds: [UInt64] = Array(1...150)
    static let revisions: [Revision] = [.v1, .v2, .v3, .v4]

    @Test(arguments: seeds)
    func invariantsHoldUnderRandomEventOrders(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        var settings = DeployerSettings.test(instances: Int.random(in: 1...4, using: &random))
        settings.keepStandby = Bool.random(using: &random)
        settings.healthInterval = Bool.random(using: &random) ? .seconds(7) : .zero
        settings.canary = Int.random(in: 1...2, using: &random)
        settings.maxAutoRollbacks = Int.random(in: 1...3, using: &random)
        let older = GoodTag(revision: .v4, tag: "good/20260101T000000Z")
        var run = RandomRun(fleet: Fleet(settings, goodTags: Bool.random(using: &random) ? [older] : []))
        run.fleet.autopilot = false
        for step in 0..<400 {
            run.randomStep(using: &random)
            try run.check("seed \(seed) step \(step)")
            await Task.yield()
        }
        run.drain()
        try run.check("seed \(seed) drained")
        let open = run.fleet.deployments.values.filter { !$0.outcome.isTerminal }
        #expect(open.isEmpty, "seed \(seed): deployments left open: \(open.map(\.id))")
    }
}

/// One random run: the fleet, what the simulated world still owes it, and what each deployment started from.
struct RandomRun {
    var fleet: Fleet
    var owedPrepares: [(Int, String)] = []
    var stopped: Set<ClientID> = []
    var epochs: [Int: Int] = [:]
    var checkedOutcomes: Set<Int> = []
    var unmanaged: [ClientID] = []

    mutating func randomStep(using random: inout SplitMix64) {
        let before = fleet.log.count
        let eventsBefore = fleet.events.count
        defer { collectOwed(from: before, events: eventsBefore) }
        let clients = fleet.launched + unmanaged
        let client = clients.randomElement(using: &random)
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<4:
            let revision = RandomizedTests.revisions.randomElement(using: &random)!
            let trigger = Trigger.allCases.randomElement(using: &random)!
            fleet.send(.request(DeploymentRequest(
                ref: trigger == .rollback && Bool.random(using: &random) ? nil : revision.rawValue, trigger: trigger,
                force: Int.random(in: 0..<5, using: &random) == 0, immediate: Bool.random(using: &random)
            )))
        case 4..<10:
            guard !owedPrepares.isEmpty else { return }
            let (id, ref) = owedPrepares.remove(at: Int.random(in: 0..<owedPrepares.count, using: &random))
            let fails = Int.random(in: 0..<8, using: &random) == 0
            fleet.send(.releasePrepared(deployment: id, result: fails ? .failed("boom") : .prepared(Revision(ref))))
        case 10..<16:
            if let client { fleet.send(.launched(client, pid: 77, startTime: 1)) }
        case 16..<26:
            guard let client else { return }
            let key = Int.random(in: 0..<20, using: &random) == 0 ? "wrong" : fleet.keys[client] ?? ""
            fleet.send(.connect(client, key: key))
        case 26..<36:
            if let client { fleet.send(.identified(client)) }
        case 36..<46:
            if let client { fleet.send(.ready(client)) }
        case 46..<56:
            guard let client else { return }
            let good = Int.random(in: 0..<6, using: &random) != 0
            fleet.send(.healthReport(client, good ? .healthy : HealthReport(ok: false, percent: 10)))
        case 56..<63:
            if let client { fleet.send(.comaConfirmed(client)) }
        case 63..<66:
            if let client { fleet.send(.shutdownAnnounced(client, reason: nil)) }
        case 66..<71:
            if let client { fleet.send(.disconnected(client)) }
        case 71..<75:
            if let client { fleet.send(.exited(client, .exited(code: Int32.random(in: 0...2, using: &random)))) }
        case 75..<80:
            guard let client = stopped.randomElement(using: &random) else { return }
            stopped.remove(client)
            fleet.send(.exited(client, .signaled(signal: 15, coreDumped: false)))
        case 80..<92:
            fleet.advance(.milliseconds(Int64.random(in: 0...40_000, using: &random)))
            let deadline = fleet.engine.nextDeadline
            #expect(deadline.map { $0 > fleet.now } ?? true, "a tick left a deadline in the past: \(String(describing: deadline))")
        case 92..<94:
            let commands: [OperatorCommand] = [.abort, .promote, .resume]
            fleet.send(.command(commands.randomElement(using: &random)!))
        case 94:
            let manual = ClientID(rawValue: "unmanaged-\(fleet.events.count)")
            fleet.send(.unmanagedConnected(manual, instance: Int.random(in: 0...fleet.engine.settings.instances, using: &random)))
            if fleet.log[before...].contains(.admit(manual)) { unmanaged.append(manual) }
        default:
            guard let old = fleet.events.randomElement(using: &random) else { return }
            fleet.send(old)
        }
    }

    /// Stops answering at random: every owed answer is given, healthy bots answer everything, time runs out.
    mutating func drain() {
        fleet.autopilot = true
        for revision in RandomizedTests.revisions { fleet.bots[revision] = .healthy }
        for _ in 0..<40 {
            let before = fleet.log.count
            let eventsBefore = fleet.events.count
            let owed = owedPrepares
            owedPrepares = []
            for (id, ref) in owed { fleet.send(.releasePrepared(deployment: id, result: .prepared(Revision(ref)))) }
            for client in stopped.sorted() { fleet.send(.exited(client, .signaled(signal: 9, coreDumped: false))) }
            stopped = []
            fleet.advance(.seconds(600))
            collectOwed(from: before, events: eventsBefore)
            if fleet.engine.status().state != .deploying, owedPrepares.isEmpty, stopped.isEmpty { return }
        }
    }

    /// Settles what the step's events answered, then notes what its actions ask for.
    private mutating func collectOwed(from index: Int, events eventIndex: Int) {
        for event in fleet.events[eventIndex...] {
            switch event {
            case .exited(let client, _): stopped.remove(client)
            case .releasePrepared(let id, _): owedPrepares.removeAll { $0.0 == id }
            default: break
            }
        }
        for action in fleet.log[index...] {
            switch action {
            case .prepareRelease(let id, let ref): owedPrepares.append((id, ref))
            case .stop(let client): stopped.insert(client)
            default: break
            }
        }
    }

    mutating func check(_ label: String) throws {
        let violations = fleet.monitor.violations
        #expect(violations.isEmpty, "\(label): \(violations)")
        if !violations.isEmpty { throw CheckFailed() }
        let snapshot = fleet.engine.snapshot
        var actives: [Int: Int] = [:]
        for client in snapshot.clients where client.role == .active { actives[client.instance, default: 0] += 1 }
        #expect(actives.values.allSatisfy { $0 <= 1 }, "\(label): two actives in an instance")
        for (instance, epoch) in snapshot.epochs {
            #expect(epoch >= epochs[instance, default: 0], "\(label): epoch of \(instance) went down")
            epochs[instance] = epoch
        }
        let status = fleet.engine.status()
        if status.deployment == nil {
            #expect(status.instances.allSatisfy { $0.standby == nil }, "\(label): a standby outlived its deployment")
        }
        let good = Set(fleet.engine.goodTags.map(\.revision))
        for record in fleet.deployments.values where !checkedOutcomes.contains(record.id)
            && (record.outcome == .rolledBack || record.outcome == .aborted)
        {
            checkedOutcomes.insert(record.id)
            guard let serving = fleet.servingAtStart[record.id] else { continue }
            // A client started by hand and admitted before the deployment may finish its gate during it: the
            // operator's choice, outside what the deployment changes.
            let allowed = serving.union(good).union([Revision("unmanaged")])
            for client in snapshot.clients where client.role == .active {
                #expect(allowed.contains(client.revision),
                        "\(label): #\(record.id) \(record.outcome) left \(client.client) on \(client.revision)")
            }
        }
    }

    struct CheckFailed: Error {}
}
