import Testing

@testable import SocketIO

/// A manual instant: the tests move time by hand.
struct TestInstant: InstantProtocol {
    var offset: Duration
    func advanced(by duration: Duration) -> TestInstant { TestInstant(offset: offset + duration) }
    func duration(to other: TestInstant) -> Duration { other.offset - offset }
    static func < (lhs: TestInstant, rhs: TestInstant) -> Bool { lhs.offset < rhs.offset }
    static func ms(_ milliseconds: Int) -> TestInstant { TestInstant(offset: .milliseconds(milliseconds)) }
}

@Suite struct EngineIOSessionStateMachineTests {
    typealias Machine = EngineIOSessionStateMachine<TestInstant>

    static func machine(transport: EngineIOTransportID = .polling, maxQueuedPackets: Int = 16) -> Machine {
        Machine(
            transport: transport,
            configuration: .init(
                pingInterval: .milliseconds(300),
                pingTimeout: .milliseconds(200),
                upgradeTimeout: .milliseconds(1000),
                maxQueuedPackets: maxQueuedPackets,
                maxQueuedBytes: 1000
            ),
            now: .ms(0)
        )
    }

    @Test func pingAfterIntervalReleasesPendingPoll() {
        var machine = Self.machine()
        let (result, _) = machine.takeOutbound(for: .polling, now: .ms(10))
        #expect(result == .wait)
        #expect(machine.tick(now: .ms(299)).isEmpty)
        #expect(machine.tick(now: .ms(300)) == [.resume(.polling, .packets([.ping("")]))])
    }

    @Test func missingPongClosesAfterIntervalPlusTimeout() {
        var machine = Self.machine()
        _ = machine.tick(now: .ms(300))
        #expect(machine.tick(now: .ms(499)).isEmpty)
        #expect(machine.tick(now: .ms(500)) == [.closed(.pingTimeout)])
        #expect(machine.isClosed)
    }

    @Test func aLateTickSendsThePingAndGivesTheClientTheWholeTimeout() {
        var machine = Self.machine()
        // Due at 300 ms, the ping goes out at 900 (the server stalled): the client has until 1,100 to answer.
        let (result, _) = machine.takeOutbound(for: .polling, now: .ms(10))
        #expect(result == .wait)
        #expect(machine.tick(now: .ms(900)) == [.resume(.polling, .packets([.ping("")]))])
        #expect(!machine.isClosed)
        #expect(machine.nextDeadline == .ms(1100))
        #expect(machine.tick(now: .ms(1099)).isEmpty)
        #expect(machine.tick(now: .ms(1100)) == [.closed(.pingTimeout)])
        #expect(machine.takeOutbound(for: .polling, now: .ms(1101)).0 == .reject)
    }

    @Test func aPongToALatePingKeepsTheSession() {
        var machine = Self.machine()
        _ = machine.tick(now: .ms(900))
        _ = machine.receive(.pong(""), from: .polling, now: .ms(1050))
        #expect(machine.tick(now: .ms(1100)).isEmpty)
        #expect(!machine.isClosed)
        #expect(machine.nextDeadline == .ms(1350), "the next ping a pingInterval after the pong")
    }

    @Test func pongRestartsTheInterval() {
        var machine = Self.machine()
        _ = machine.tick(now: .ms(300))
        _ = machine.receive(.pong(""), from: .polling, now: .ms(450))
        #expect(machine.tick(now: .ms(700)).isEmpty)
        #expect(machine.tick(now: .ms(749)).isEmpty)
        let (result, _) = machine.takeOutbound(for: .polling, now: .ms(750))
        #expect(result == .now(.packets([.ping(""), .ping("")])))
    }

    @Test func messagesAreDelivered() {
        var machine = Self.machine()
        #expect(machine.receive(.message("40"), from: .polling, now: .ms(1)) == [.deliver(.message("40"))])
        #expect(machine.receive(.binary([1]), from: .polling, now: .ms(1)) == [.deliver(.binary([1]))])
        #expect(machine.receive(.noop, from: .polling, now: .ms(1)).isEmpty)
    }

    @Test func clientPingBreaksTheProtocol() {
        var machine = Self.machine()
        #expect(machine.receive(.ping(""), from: .polling, now: .ms(1)) == [.closed(.parseError)])
    }

    @Test func closePacketReleasesPendingPollWithNoop() {
        var machine = Self.machine()
        _ = machine.takeOutbound(for: .polling, now: .ms(1))
        let effects = machine.receive(.close, from: .polling, now: .ms(2))
        #expect(effects == [.resume(.polling, .finish([.noop])), .closed(.transportClose)])
    }

    @Test func closePacketEndsWebSocketAtOnce() {
        var machine = Self.machine(transport: .webSocket(0))
        _ = machine.takeOutbound(for: .webSocket(0), now: .ms(1))
        let effects = machine.receive(.close, from: .webSocket(0), now: .ms(2))
        #expect(effects == [.resume(.webSocket(0), .finish([])), .closed(.transportClose)])
    }

    @Test func secondConcurrentPollClosesTheSession() {
        var machine = Self.machine()
        _ = machine.takeOutbound(for: .polling, now: .ms(1))
        let (result, effects) = machine.takeOutbound(for: .polling, now: .ms(2))
        #expect(result == .reject)
        #expect(effects == [.resume(.polling, .finish([.close])), .closed(.transportError)])
    }

    @Test func upgradeSequence() {
        var machine = Self.machine()
        _ = machine.send([.message("2[\"queued\"]")], now: .ms(1))
        _ = machine.takeOutbound(for: .polling, now: .ms(2))
        _ = machine.takeOutbound(for: .polling, now: .ms(3))
        let began = machine.beginProbe(id: 7, now: .ms(4))
        #expect(began)
        #expect(!machine.isUpgradeAllowed)
        #expect(machine.takeOutbound(for: .webSocket(7), now: .ms(5)).0 == .wait)
        let probeEffects = machine.receive(.ping("probe"), from: .webSocket(7), now: .ms(6))
        #expect(probeEffects == [.resume(.webSocket(7), .packets([.pong("probe")])), .resume(.polling, .packets([.noop]))])
        #expect(machine.takeOutbound(for: .polling, now: .ms(7)).0 == .now(.packets([.noop])))
        _ = machine.send([.message("later")], now: .ms(8))
        #expect(machine.takeOutbound(for: .webSocket(7), now: .ms(9)).0 == .wait)
        let upgradeEffects = machine.receive(.upgrade, from: .webSocket(7), now: .ms(10))
        #expect(upgradeEffects == [.resume(.webSocket(7), .packets([.message("later")]))])
        #expect(machine.transport == .webSocket(7))
        #expect(machine.takeOutbound(for: .polling, now: .ms(11)).0 == .reject)
        #expect(machine.receive(.message("x"), from: .webSocket(7), now: .ms(12)) == [.deliver(.message("x"))])
    }

    @Test func wrongPacketDuringProbeAbortsOnlyTheProbe() {
        var machine = Self.machine()
        let began = machine.beginProbe(id: 1, now: .ms(1))
        #expect(began)
        _ = machine.takeOutbound(for: .webSocket(1), now: .ms(2))
        #expect(machine.receive(.message("x"), from: .webSocket(1), now: .ms(3)) == [.resume(.webSocket(1), .finish([]))])
        #expect(!machine.isClosed)
        #expect(machine.isUpgradeAllowed)
    }

    @Test func stalledUpgradeTimesOut() {
        var machine = Self.machine()
        let began = machine.beginProbe(id: 1, now: .ms(0))
        #expect(began)
        _ = machine.takeOutbound(for: .webSocket(1), now: .ms(1))
        _ = machine.tick(now: .ms(300))
        _ = machine.receive(.pong(""), from: .polling, now: .ms(350))
        _ = machine.tick(now: .ms(650))
        _ = machine.receive(.pong(""), from: .polling, now: .ms(700))
        #expect(machine.tick(now: .ms(999)).isEmpty)
        let effects = machine.tick(now: .ms(1000))
        #expect(effects.contains(.resume(.webSocket(1), .finish([]))))
        #expect(machine.isUpgradeAllowed)
    }

    @Test func serverCloseWaitsForNextPollThenSendsClosePacket() {
        var machine = Self.machine()
        _ = machine.send([.message("bye")], now: .ms(1))
        #expect(machine.close(reason: .forcedClose, kind: .withClosePacket, now: .ms(2)).isEmpty)
        let (result, effects) = machine.takeOutbound(for: .polling, now: .ms(3))
        #expect(result == .now(.finish([.message("bye"), .close])))
        #expect(effects == [.closed(.forcedClose)])
    }

    @Test func serverCloseNobodyCollectsEndsAtDeadline() {
        var machine = Self.machine()
        _ = machine.close(reason: .forcedClose, kind: .withClosePacket, now: .ms(0))
        #expect(machine.tick(now: .ms(199)).isEmpty)
        #expect(machine.tick(now: .ms(200)) == [.closed(.forcedClose)])
    }

    @Test func fullQueueClosesTheSession() {
        var machine = Self.machine(maxQueuedPackets: 3)
        #expect(machine.send([.message("1"), .message("2"), .message("3")], now: .ms(1)) == [])
        #expect(machine.send([.message("4")], now: .ms(2)) == [.closed(.transportError)])
        #expect(machine.send([.message("5")], now: .ms(3)) == nil)
    }

    @Test func queueByteLimitClosesTheSession() {
        var machine = Self.machine()
        #expect(machine.send([.message(String(repeating: "x", count: 1000))], now: .ms(1)) == [.closed(.transportError)])
    }

    @Test func overlappingPostClosesTheSession() {
        var machine = Self.machine()
        #expect(machine.beginPost(now: .ms(1)).0)
        let (accepted, effects) = machine.beginPost(now: .ms(2))
        #expect(!accepted)
        #expect(effects.isEmpty)
        let (result, closeEffects) = machine.takeOutbound(for: .polling, now: .ms(3))
        #expect(result == .now(.finish([.close])))
        #expect(closeEffects == [.closed(.transportError)])
    }

    @Test func dropEndsWritersAbruptly() {
        var machine = Self.machine(transport: .webSocket(3))
        _ = machine.takeOutbound(for: .webSocket(3), now: .ms(1))
        #expect(machine.close(reason: .transportClose, kind: .drop, now: .ms(2)) == [.resume(.webSocket(3), .drop), .closed(.transportClose)])
    }

    @Test func webSocketEndingClosesTheSession() {
        var machine = Self.machine(transport: .webSocket(0))
        #expect(machine.transportEnded(.webSocket(0), now: .ms(1)) == [.closed(.transportClose)])
        #expect(machine.isClosed)
    }
}
