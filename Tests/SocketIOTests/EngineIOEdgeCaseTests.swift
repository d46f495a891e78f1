import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import SocketIO

/// Engine.IO behaviours where the reference server is stricter than python-socketio.
@Suite(.serialized) struct EngineIOEdgeCaseTests {
    /// Waits until the server holds a pending GET for the session.
    static func waitForPendingPoll(_ live: LiveServer, _ sid: String) async throws {
        while live.server.session(id: sid)?.locked({ $0.writers[.polling] != nil }) != true {
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func closePacketReleasesThePendingPollAtOnce() async throws {
        try await LiveServer.run { live in
            let sid = try await live.handshake()
            async let pending = live.poll(sid)
            try await Self.waitForPendingPoll(live, sid)
            #expect(try await live.post(sid, "1") == (200, "ok"))
            let released = try await pending
            #expect(released == (200, "6"))
            #expect(try await live.poll(sid).status == 400)
        }
    }

    @Test func secondConcurrentPollClosesTheSession() async throws {
        try await LiveServer.run { live in
            let sid = try await live.handshake()
            async let first = live.poll(sid)
            try await Self.waitForPendingPoll(live, sid)
            #expect(try await live.poll(sid).status == 400)
            let closed = try await first
            #expect(closed == (200, "1"))
            #expect(try await live.poll(sid).status == 400)
        }
    }

    @Test func sessionWithoutConnectIsClosedAfterTheConnectTimeout() async throws {
        try await LiveServer.run(.init(connectTimeout: .milliseconds(300))) { live in
            // Measured from before the request: the server's timer starts when the session opens, which a loaded
            // machine may report to this closure well after.
            let requested = ContinuousClock.now
            try await live.webSocket("EIO=4&transport=websocket") { socket in
                let open = try await socket.nextText()
                #expect(open?.hasPrefix("0{") == true)
                await socket.waitForClose()
                #expect(ContinuousClock.now - requested >= .milliseconds(290), "10 ms of timer granularity")
                #expect(ContinuousClock.now - requested < .seconds(5))
            }
            let sid = try await live.handshake()
            var status = 200
            var body = ""
            while status == 200, body != "1" {
                (status, body) = try await live.poll(sid)
            }
            #expect(try await live.poll(sid).status == 400)
        }
    }

    @Test func corsHeadersAndPreflight() async throws {
        try await LiveServer.run { live in
            try await TestClient.withClient(host: "127.0.0.1", port: live.port) { client in
                let preflight = try await client.execute(.init(
                    live.target("EIO=4&transport=polling"),
                    method: .options,
                    headers: [.origin: "http://app.example", .accessControlRequestHeaders: "content-type"]
                ))
                #expect(preflight.head.status == .noContent)
                #expect(preflight.head.headerFields[.accessControlAllowOrigin] == "http://app.example")
                #expect(preflight.head.headerFields[.accessControlAllowCredentials] == "true")
                #expect(preflight.head.headerFields[.accessControlAllowHeaders] == "content-type")
                let handshake = try await client.execute(.init(
                    live.target("EIO=4&transport=polling"),
                    method: .get,
                    headers: [.origin: "http://app.example"]
                ))
                #expect(handshake.head.status == .ok)
                #expect(handshake.head.headerFields[.accessControlAllowOrigin] == "http://app.example")
            }
        }
    }

    /// Sessions authenticated (a CONNECT accepted without an auth hook) fill the limit; unauthenticated ones
    /// would be shed instead (SessionAuthenticationTests).
    @Test func sessionLimitRefusesHandshakes() async throws {
        try await LiveServer.run(.init(maxSessions: 2)) { live in
            for _ in 0..<2 {
                let sid = try await live.handshake()
                #expect(try await live.post(sid, "40").status == 200)
                #expect(try await live.poll(sid).body.hasPrefix("40{"))
            }
            #expect(try await live.request(.get, "EIO=4&transport=polling") == (403, #"{"code":4,"message":"Forbidden"}"#))
        }
    }

    @Test func dropTransportEndsTheSessionWithoutClosePacket() async throws {
        try await LiveServer.run(setup: { server in
            server.namespace("/").onConnect { socket in socket.on("drop") { _, _ in socket.dropTransport() } }
        }) { live in
            try await live.webSocket("EIO=4&transport=websocket") { socket in
                _ = try await socket.nextText()
                try await socket.send("40")
                _ = try await socket.nextText()
                try await socket.send(#"42["drop"]"#)
                var received: [String] = []
                do {
                    while let message = try await socket.next(answeringPings: false) {
                        received.append("\(message)")
                    }
                } catch {}
                #expect(received.isEmpty)
            }
            #expect(live.server.sessionCount == 0)
        }
    }
}

@Suite struct SocketIOServerLifecycleTests {
    @Test func cancellingRunClosesEverySession() async throws {
        let server = SocketIOServer()
        let (ended, endedContinuation) = AsyncStream<DisconnectReason>.makeStream()
        server.namespace("/").onConnect { socket in socket.onDisconnect { endedContinuation.yield($0) } }
        let running = Task { try await server.run() }
        let connection = SocketIOHandshake.Connection(remoteAddress: nil, headers: [:], query: [:])
        let session = try #require(server.openSession(transport: .polling, connection: connection, eventLoop: nil))
        await session.receive([.message("0")], from: .polling)
        let start = ContinuousClock.now
        while server.namespace("/").sockets.isEmpty, ContinuousClock.now - start < .seconds(20) {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(server.namespace("/").sockets.count == 1)
        running.cancel()
        try await withDeadline(seconds: 20) { try await running.value }
        var reasons = ended.makeAsyncIterator()
        let reason = await reasons.next()
        #expect(reason == .serverShuttingDown)
        #expect(server.sessionCount == 0)
    }
}
