import Deployer
import FleetTypes
import Foundation
import Testing

/// Deadlines run on the engine's (monotonic) clock; the wall clock dates records and display only.
@Suite struct ClockTests {
    @Test func wallClockStepsMoveNoDeadlineAndDateTheRecords() throws {
        var engine = DeploymentEngine(settings: .test(instances: 1), keys: CountingKeySource())
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        _ = engine.start(at: start)
        var actions = engine.handle(.request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli)), at: start).actions
        actions += engine.handle(.releasePrepared(deployment: 1, result: .prepared(.v1)), at: start).actions
        let order = try #require(actions.compactMap { if case .launch(let order) = $0 { order } else { nil } }.first)
        // The wall clock jumps an hour ahead while the client is gated: no timeout fires.
        let ahead = start.addingTimeInterval(3600)
        for event: DeployerEvent in [.launched(order.client, pid: 9, startTime: 1), .connect(order.client, key: order.key),
                                     .identified(order.client), .tick] {
            let step = engine.handle(event, at: start.addingTimeInterval(1), wall: ahead).actions
            #expect(!step.contains { if case .audit(let entry) = $0 { entry.kind == "gate.failed" } else { false } })
        }
        _ = engine.handle(.ready(order.client), at: start.addingTimeInterval(2), wall: ahead)
        let passed = engine.handle(.healthReport(order.client, .healthy), at: start.addingTimeInterval(3), wall: ahead).actions
        let audit = try #require(passed.compactMap { if case .audit(let entry) = $0, entry.kind == "gate.passed" { entry } else { nil } }.first)
        #expect(audit.time == ahead, "records carry the wall clock")
        // The bake (60 s) ends 60 s of engine time later, whatever the wall clock did meanwhile (back two hours).
        let behind = start.addingTimeInterval(-3600)
        let status = engine.status()
        #expect(status.deployment?.phase == "bake")
        #expect(status.deployment?.phaseEndsAt == ahead.addingTimeInterval(60), "shown on the wall clock")
        #expect(engine.nextDeadline == start.addingTimeInterval(63))
        _ = engine.handle(.tick, at: start.addingTimeInterval(63), wall: behind)
        #expect(engine.status().deployment?.phase == "watch")
    }
}
