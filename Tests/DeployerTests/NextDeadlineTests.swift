import Deployer
import Foundation
import TestSupport
import Testing

/// The driver sleeps until ``DeploymentEngine/nextDeadline`` and polls no more, so the deadline must be exact: in
/// every state of random runs, a tick before it changes nothing (no deadline is missed), and a tick at it moves it
/// (none is left to spin on).
@Suite(.serialized) struct NextDeadlineTests {
    @Test(arguments: Array(UInt64(1)...60))
    func aTickBeforeTheNextDeadlineDoesNothingAndATickAtItMovesIt(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed &* 7919)
        var settings = DeployerSettings.test(instances: Int.random(in: 1...4, using: &random))
        settings.keepStandby = Bool.random(using: &random)
        settings.healthInterval = Bool.random(using: &random) ? .seconds(7) : .zero
        settings.canary = Int.random(in: 1...2, using: &random)
        var run = RandomRun(fleet: Fleet(settings))
        run.fleet.autopilot = false
        for step in 0..<300 {
            run.randomStep(using: &random)
            try Self.checkDeadline(of: run.fleet, "seed \(seed) step \(step)")
            await Task.yield()
        }
    }

    static func checkDeadline(of fleet: Fleet, _ label: String) throws {
        guard let deadline = fleet.engine.nextDeadline, deadline > fleet.now else { return }
        let status = fleet.engine.status()
        let snapshot = fleet.engine.snapshot
        for early in [fleet.now, deadline.addingTimeInterval(-0.001)] where early >= fleet.now {
            var engine = fleet.engine
            let actions = engine.handle(.tick, at: early).actions
            #expect(actions.isEmpty, "\(label): a tick at \(early) before the deadline \(deadline) did \(actions)")
            #expect(engine.status() == status && engine.snapshot == snapshot, "\(label): a tick before the deadline changed the state")
            #expect(engine.nextDeadline == deadline, "\(label): a tick before the deadline moved it")
            if !actions.isEmpty { throw RandomRun.CheckFailed() }
        }
        var engine = fleet.engine
        _ = engine.handle(.tick, at: deadline)
        let next = engine.nextDeadline
        #expect(next.map { $0 > deadline } ?? true, "\(label): a tick at the deadline \(deadline) left \(String(describing: next))")
    }
}
