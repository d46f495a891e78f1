import Testing
import TestSupport

@testable import SocketIO

/// `EngineIOSessionStateMachine.nextDeadline`, which lets the server's ticker skip a session until then: a tick
/// before it must change nothing, and one at it must have something to do.
@Suite struct EngineIONextDeadlineTests {
    typealias Machine = EngineIOSessionStateMachine<TestInstant>

    @Test func theHeartbeatThenThePongDeadline() {
        var machine = EngineIOSessionStateMachineTests.machine()
        #expect(machine.nextDeadline == .ms(300))
        _ = machine.tick(now: .ms(300))
        #expect(machine.nextDeadline == .ms(500), "the ping went out: the pong is due 200 ms later")
        _ = machine.receive(.pong(""), from: .polling, now: .ms(350))
        #expect(machine.nextDeadline == .ms(650))
        _ = machine.close(reason: .pingTimeout, kind: .silent, now: .ms(360))
        #expect(machine.nextDeadline == nil)
    }

    @Test func anUpgradeAndAServerCloseBringTheirOwnDeadlines() {
        var machine = EngineIOSessionStateMachineTests.machine()
        let probing = machine.beginProbe(id: 0, now: .ms(100))
        #expect(probing)
        #expect(machine.nextDeadline == .ms(300), "the heartbeat comes before the probe's 1,100 ms")
        _ = machine.tick(now: .ms(300))
        _ = machine.receive(.pong(""), from: .polling, now: .ms(310))
        _ = machine.tick(now: .ms(610))
        _ = machine.receive(.pong(""), from: .polling, now: .ms(805))
        #expect(machine.nextDeadline == .ms(1100), "the probe's deadline before the next ping's 1,105 ms")
        _ = machine.close(reason: .forcedClose, kind: .withClosePacket, now: .ms(950))
        #expect(machine.nextDeadline == .ms(1150), "no GET waits: the close packet waits pingTimeout for one")
    }

    /// Random sessions (seeded; a closed one is followed by a new one): after every step, a tick at any instant
    /// before `nextDeadline` yields nothing and leaves the deadline where it was, and a tick at it yields effects
    /// or moves it.
    @Test(arguments: 0..<25) func noTickBeforeTheDeadlineDoesAnything(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var machine = EngineIOSessionStateMachineTests.machine()
        var now = TestInstant.ms(0)
        let transports: [EngineIOTransportID] = [.polling, .webSocket(0), .webSocket(1)]
        for step in 0..<300 {
            now = now.advanced(by: .milliseconds(Int.random(in: 0...250, using: &random)))
            let transport = transports.randomElement(using: &random)!
            switch Int.random(in: 0..<12, using: &random) {
            case 0, 1: _ = machine.takeOutbound(for: transport, now: now)
            case 2: _ = machine.cancelWait(for: transport)
            case 3: _ = machine.send([.message("42[\"x\"]")], now: now)
            case 4, 5: _ = machine.receive(.pong(""), from: transport, now: now)
            case 6: _ = machine.receive(.ping("probe"), from: transport, now: now)
            case 7: _ = machine.receive(.upgrade, from: transport, now: now)
            case 8: _ = machine.beginProbe(id: Int.random(in: 0...1, using: &random), now: now)
            case 9: _ = machine.transportEnded(transport, now: now)
            case 10:
                let kinds: [Machine.CloseKind] = [.withClosePacket, .noopForPendingPoll, .silent, .drop]
                if Int.random(in: 0..<4, using: &random) == 0 {
                    _ = machine.close(reason: .forcedClose, kind: kinds.randomElement(using: &random)!, now: now)
                }
            default: _ = machine.tick(now: now)
            }
            guard let deadline = machine.nextDeadline else {
                var copy = machine
                #expect(copy.tick(now: now.advanced(by: .seconds(60))).isEmpty, "seed \(seed) step \(step)")
                #expect(copy.nextDeadline == nil)
                #expect(machine.isClosed, "seed \(seed) step \(step): an open session always has a heartbeat")
                machine = Machine(transport: .polling, configuration: machine.configuration, now: now)
                continue
            }
            if now < deadline {
                let gap = now.duration(to: deadline)
                let before = now.advanced(by: gap * Double.random(in: 0..<1, using: &random))
                var early = machine
                let effects = early.tick(now: min(before, deadline.advanced(by: .nanoseconds(-1))))
                #expect(effects.isEmpty, "seed \(seed) step \(step): a tick before the deadline did \(effects)")
                #expect(early.nextDeadline == deadline, "seed \(seed) step \(step)")
            }
            var due = machine
            let effects = due.tick(now: max(now, deadline))
            #expect(!effects.isEmpty || due.nextDeadline != deadline, "seed \(seed) step \(step): nothing was due")
        }
    }
}
