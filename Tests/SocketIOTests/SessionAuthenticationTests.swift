import FleetTypes
import HTTPTypes
import Synchronization
import Testing
import WSCore

@testable import SocketIO

/// Sessions that do not authenticate: closed at the connect timeout (transport included) and capped, per peer
/// address and in total, without ever starving a client that authenticates.
@Suite(.serialized) struct SessionAuthenticationTests {
    /// `/` accepts `{"key":"k"}` as authenticated and everything else unauthenticated; an `identify` event with
    /// `{"key":"k"}` authenticates later.
    static func keyOrLater(_ server: SocketIOServer) {
        let root = server.namespace("/")
        root.authenticate { $0.auth["key"] == "k" ? .accept : .acceptUnauthenticated }
        root.onConnect { socket in
            socket.on("identify") { arguments, ack in
                if arguments.first?["key"] == "k" { socket.markAuthenticated() }
                ack?([])
            }
        }
    }

    /// Polls `sid`, answering pings, until the server closes the session (close packet or HTTP 400).
    static func pollUntilClosed(_ live: LiveServer, _ sid: String) async throws {
        while true {
            let (status, body) = try await live.poll(sid)
            if status == 400 { return }
            let packets = body.split(separator: "\u{1E}")
            if packets.contains("1") { return }
            if packets.contains("2") { _ = try await live.post(sid, "3") }
        }
    }

    /// Pings every 200 ms, which the unauthenticated sessions answer until they are closed; a connect timeout that the
    /// test's own round trips fit in on a loaded box (at 800 ms a WebSocket's CONNECT once came after it in a CI run
    /// beside the other suites, and the session was closed before its namespace could be accepted).
    static let unauthenticatedTimeouts = SocketIOServer.Configuration(
        pingInterval: .milliseconds(200), pingTimeout: .seconds(10), connectTimeout: .seconds(5))

    @Test("a session whose namespace was accepted unauthenticated is closed at the connect timeout, polling and WebSocket, though it answers pings")
    func unauthenticatedSessionsEndAtTheTimeout() async throws {
        try await LiveServer.run(Self.unauthenticatedTimeouts, setup: Self.keyOrLater) { live in
            let sid = try await live.handshake()
            #expect(try await live.post(sid, "40").status == 200)
            try await Self.pollUntilClosed(live, sid)
            #expect(try await live.poll(sid).status == 400)

            try await live.webSocket("EIO=4&transport=websocket") { socket in
                #expect(try await socket.nextText()?.first == "0")
                try await socket.send("40")
                let accepted = try await socket.nextText()
                #expect(accepted?.hasPrefix("40{") == true, "\(accepted ?? "closed")")
                // next() answers pings; it returns nil (or the close packet) once the server closed the session.
                while let message = try await socket.next(), message != .text("1") {}
            }
            #expect(live.server.sessionCount == 0)
        }
    }

    /// Polls `sid`, answering pings, until a packet other than a ping arrives; returns it.
    static func nextPacket(_ live: LiveServer, _ sid: String) async throws -> Substring {
        while true {
            let (status, body) = try await live.poll(sid)
            #expect(status == 200, "\(sid): \(status) \(body)")
            let packets = body.split(separator: "\u{1E}")
            if packets.contains("2") { _ = try await live.post(sid, "3") }
            if let packet = packets.first(where: { $0 != "2" }) { return packet }
        }
    }

    @Test("a session authenticated at CONNECT or later by markAuthenticated() outlives the connect timeout")
    func authenticatedSessionsStay() async throws {
        // Long enough for both sessions to authenticate on a loaded box (at 3 s the later one sometimes did not).
        let connectTimeout = Duration.seconds(8)
        let configuration = SocketIOServer.Configuration(pingInterval: .milliseconds(200), pingTimeout: .seconds(10), connectTimeout: connectTimeout)
        try await LiveServer.run(configuration, setup: Self.keyOrLater) { live in
            let started = ContinuousClock.now
            let atConnect = try await live.handshake()
            #expect(try await live.post(atConnect, #"40{"key":"k"}"#).status == 200)
            #expect(try await Self.nextPacket(live, atConnect).hasPrefix("40{"))
            let later = try await live.handshake()
            #expect(try await live.post(later, "40").status == 200)
            #expect(try await Self.nextPacket(live, later).hasPrefix("40{"))
            #expect(try await live.post(later, #"421["identify",{"key":"k"}]"#).status == 200)
            #expect(try await Self.nextPacket(live, later) == "431[]")
            #expect(live.server.unauthenticatedSessionCount == 0)
            // Until two connect timeouts after the handshakes, both still answer. Each session is polled by a task
            // of its own, which answers its pings at once (polled in turn, one session's ping waited for the other's
            // long poll, and on a loaded box a session ended at its ping timeout, with no close packet to see).
            let end = started + connectTimeout * 2
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sid in [atConnect, later] {
                    group.addTask {
                        while ContinuousClock.now < end {
                            let (status, body) = try await live.poll(sid)
                            #expect(status == 200 && !body.split(separator: "\u{1E}").contains("1"), "\(sid): \(status) \(body)")
                            if body.split(separator: "\u{1E}").contains("2") { _ = try await live.post(sid, "3") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(live.server.sessionCount == 2)
        }
    }

    @Test("at the per-address unauthenticated limit a handshake sheds the oldest unauthenticated session and is told")
    func unauthenticatedLimitsShedTheOldest() async throws {
        let refusals = Mutex<[SocketIOSessionRefusal]>([])
        var configuration = SocketIOServer.Configuration(pingInterval: .seconds(20))
        configuration.maxUnauthenticatedSessionsPerAddress = 3
        try await LiveServer.run(configuration, setup: { server in
            Self.keyOrLater(server)
            server.onSessionRefusal { refusal in refusals.withLock { $0.append(refusal) } }
        }) { live in
            var sids: [String] = []
            for _ in 0..<5 { sids.append(try await live.handshake()) }
            #expect(live.server.unauthenticatedSessionCount == 3)
            #expect(try await live.poll(sids[0]).status == 400)
            #expect(try await live.poll(sids[1]).status == 400)
            let shed = refusals.withLock { $0 }
            #expect(shed.count == 2)
            #expect(shed.allSatisfy { $0.action == .shed && $0.limit == .unauthenticatedSessionsPerAddress && $0.peer == "127.0.0.1" })

            // A client that authenticates still gets a session while the unauthenticated ones are at their limit.
            let bot = try await live.handshake()
            #expect(try await live.post(bot, #"40{"key":"k"}"#).status == 200)
            #expect(try await live.poll(bot).body.hasPrefix("40{\"sid\""))
            #expect(live.server.unauthenticatedSessionCount == 2)
        }
    }

    @Test("a session vouched for while its CONNECT is being authorized is never shed by the unauthenticated limits")
    func vouchedSessionsAreNotShed() async throws {
        let (vouched, vouchedSignal) = AsyncStream.makeStream(of: Void.self)
        let (verdicts, verdict) = AsyncStream.makeStream(of: Bool.self)
        var configuration = SocketIOServer.Configuration(pingInterval: .seconds(20))
        configuration.maxUnauthenticatedSessionsPerAddress = 2
        try await LiveServer.run(configuration, setup: { server in
            server.namespace("/").authenticate { [weak server] handshake in
                guard handshake.auth["key"] == "issued" else { return .acceptUnauthenticated }
                server?.vouch(forSession: handshake.sessionID)
                vouchedSignal.yield()
                for await accepted in verdicts { return accepted ? .accept : .refuse(message: "no") }
                return .refuse(message: "no")
            }
        }) { live in
            let bot = try await live.handshake()
            #expect(try await live.post(bot, #"40{"key":"issued"}"#).status == 200)
            for await _ in vouched { break }
            #expect(live.server.unauthenticatedSessionCount == 0)
            // Three anonymous sessions from the same address: the limit of 2 sheds the oldest anonymous one only.
            var anonymous: [String] = []
            for _ in 0..<3 { anonymous.append(try await live.handshake()) }
            #expect(live.server.unauthenticatedSessionCount == 2)
            #expect(try await live.poll(anonymous[0]).status == 400)
            verdict.yield(true)
            #expect(try await live.poll(bot).body.hasPrefix("40{\"sid\""))
        }
    }

    @Test("the total unauthenticated limit sheds too; with every session authenticated at maxSessions a handshake gets 403")
    func totalLimits() async throws {
        let refusals = Mutex<[SocketIOSessionRefusal]>([])
        var configuration = SocketIOServer.Configuration(pingInterval: .seconds(20))
        configuration.maxUnauthenticatedSessions = 2
        configuration.maxSessions = 3
        try await LiveServer.run(configuration, setup: { server in
            Self.keyOrLater(server)
            server.onSessionRefusal { refusal in refusals.withLock { $0.append(refusal) } }
        }) { live in
            for _ in 0..<3 { _ = try await live.handshake() }
            #expect(live.server.unauthenticatedSessionCount == 2)
            #expect(refusals.withLock { $0.map(\.limit) } == [.unauthenticatedSessions])
            for _ in 0..<3 {
                let sid = try await live.handshake()
                #expect(try await live.post(sid, #"40{"key":"k"}"#).status == 200)
                #expect(try await live.poll(sid).body.hasPrefix("40{\"sid\""))
            }
            #expect(live.server.sessionCount == 3 && live.server.unauthenticatedSessionCount == 0)
            let refused = try await live.request(.get, "EIO=4&transport=polling")
            #expect(refused.status == 403 && refused.body.contains(#""code":4"#))
            let last = try #require(refusals.withLock { $0.last })
            #expect(last.action == .refused && last.limit == .sessions)
        }
    }
}
