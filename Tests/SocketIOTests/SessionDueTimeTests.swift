import FleetTypes
import Testing

@testable import SocketIO

/// A session's due time (`EngineIOSession.isDue(at:)`), by which the server's ticker skips it: it follows the connect
/// timeout, the heartbeat and an ack's timeout as each is set and cleared.
@Suite(.serialized) struct SessionDueTimeTests {
    typealias Instant = ContinuousClock.Instant

    /// Whether the session's tick is due at `instant`.
    static func due(_ session: EngineIOSession, at instant: Instant) -> Bool {
        session.isDue(at: SessionDueTime.nanoseconds(instant))
    }

    @Test func theDueTimeFollowsTheConnectTimeoutTheHeartbeatAndAnAck() async throws {
        let (sockets, socketContinuation) = AsyncStream<SocketIOSocket>.makeStream()
        let configuration = SocketIOServer.Configuration(
            pingInterval: .seconds(20), pingTimeout: .seconds(20), connectTimeout: .seconds(10))
        try await LiveServer.run(configuration, setup: { server in
            server.namespace("/").onConnect { socketContinuation.yield($0) }
        }) { live in
            let beforeOpen = Instant.now
            let sid = try await live.handshake()
            let afterOpen = Instant.now
            let session = try #require(live.server.session(id: sid))
            // Unauthenticated: the connect timeout, 10 s after the open.
            #expect(!Self.due(session, at: beforeOpen + .seconds(10) - .nanoseconds(1)))
            #expect(Self.due(session, at: afterOpen + .seconds(10)))

            #expect(try await live.post(sid, "40") == (200, "ok"))
            var iterator = sockets.makeAsyncIterator()
            let socket = try #require(await iterator.next())
            // Connected: the next ping, 20 s after the open.
            #expect(!Self.due(session, at: beforeOpen + .seconds(20) - .nanoseconds(1)))
            #expect(Self.due(session, at: afterOpen + .seconds(20)))

            let beforeEmit = Instant.now
            let answer = Task { try await socket.emitWithAck("question", [], timeout: .seconds(1)) }
            while session.locked({ $0.socketIO.pendingAcks.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
            let afterEmit = Instant.now
            // An ack awaited: its timeout, a second after the emit.
            #expect(!Self.due(session, at: beforeEmit + .seconds(1) - .nanoseconds(1)))
            #expect(Self.due(session, at: afterEmit + .seconds(1)))

            // The ticker saw it: the ack timed out, and the heartbeat is next again.
            await #expect(throws: SocketIOError.self) { try await answer.value }
            #expect(!Self.due(session, at: beforeOpen + .seconds(20) - .nanoseconds(1)))
            #expect(Self.due(session, at: afterOpen + .seconds(20)))
        }
    }
}
