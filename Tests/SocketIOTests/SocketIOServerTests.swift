import FleetTypes
import Hummingbird
import HummingbirdWSClient
import NIOCore
import NIOWebSocket
import Synchronization
import Testing

@testable import SocketIO

@Suite(.serialized) struct SocketIOServerTests {
    static func echo(_ server: SocketIOServer) {
        server.namespace("/").onConnect { socket in
            socket.on("message") { arguments, _ in try? socket.emit("message-back", arguments) }
            socket.on("message-with-ack") { arguments, ack in ack?(arguments) }
            try? socket.emit("auth", [socket.handshake.auth])
        }
    }

    @Test func pollingHandshakeAndRoundTrip() async throws {
        try await LiveServer.run(.init(pingInterval: .seconds(20)), setup: Self.echo) { live in
            let (status, body) = try await live.request(.get, "EIO=4&transport=polling")
            #expect(status == 200)
            let open = try JSONValue(parsing: body.dropFirst())
            #expect(body.first == "0")
            #expect(open["upgrades"] == ["websocket"])
            #expect(open["pingInterval"] == 20000)
            #expect(open["pingTimeout"] == 20000)
            #expect(open["maxPayload"] == 1_000_000)
            let sid = try #require(open["sid"]?.stringValue)
            #expect(try await live.post(sid, #"40{"token":"123"}"#) == (200, "ok"))
            let connected = try await live.poll(sid)
            let packets = connected.body.split(separator: "\u{1E}")
            #expect(packets.count == 2)
            #expect(packets.first?.hasPrefix(#"40{"sid":""#) == true)
            #expect(packets.last == #"42["auth",{"token":"123"}]"#)
            #expect(try await live.post(sid, #"42["message",1,"2",{"3":[true]}]"#) == (200, "ok"))
            #expect(try await live.poll(sid) == (200, #"42["message-back",1,"2",{"3":[true]}]"#))
        }
    }

    @Test func requestErrorsUseTheReferenceCodes() async throws {
        try await LiveServer.run { live in
            #expect(try await live.request(.get, "EIO=4&transport=polling&sid=unknown") == (400, #"{"code":1,"message":"Session ID unknown"}"#))
            #expect(try await live.request(.get, "EIO=4") == (400, #"{"code":0,"message":"Transport unknown"}"#))
            #expect(try await live.request(.get, "EIO=4&transport=abc").status == 400)
            #expect(try await live.request(.get, "EIO=3&transport=polling") == (400, #"{"code":5,"message":"Unsupported protocol version"}"#))
            #expect(try await live.request(.post, "EIO=4&transport=polling") == (400, #"{"code":2,"message":"Bad handshake method"}"#))
            #expect(try await live.request(.put, "EIO=4&transport=polling").status == 400)
            #expect(try await live.request(.get, "EIO=4&transport=websocket").status == 400)
            let sid = try await live.handshake()
            #expect(try await live.request(.put, "EIO=4&transport=polling&sid=\(sid)").status == 400)
        }
    }

    @Test func badPacketsCloseOnlyThatSession() async throws {
        try await LiveServer.run(setup: Self.echo) { live in
            let healthy = try await live.handshake()
            #expect(try await live.post(healthy, "40").status == 200)
            _ = try await live.poll(healthy)
            for badBody in ["abc", #"42{"abc":"def"}"#, #"42abc["message"]"#, #"40\#u{1E}47"#, #"42["message"]"#] {
                let sid = try await live.handshake()
                if badBody.hasPrefix("42[") {
                    // EVENT before CONNECT
                    #expect(try await live.post(sid, badBody).status == 200)
                } else {
                    _ = try await live.post(sid, badBody)
                }
                let after = try await live.poll(sid)
                #expect(after.status == 400 || after.body == "1", "session survived \(badBody): \(after)")
                #expect(try await live.poll(sid).status == 400)
            }
            #expect(try await live.post(healthy, #"42["message","still here"]"#).status == 200)
            #expect(try await live.poll(healthy).body == #"42["message-back","still here"]"#)
            _ = try await live.handshake()
        }
    }

    @Test func oversizePayloadIsRefused() async throws {
        try await LiveServer.run(.init(maxPayload: 1000)) { live in
            let sid = try await live.handshake()
            #expect(try await live.post(sid, "4" + String(repeating: "a", count: 1001)).status == 413)
            try await live.webSocket("EIO=4&transport=websocket") { socket in
                _ = try await socket.nextText()
                try await socket.send("4" + String(repeating: "a", count: 5000))
                await socket.waitForClose()
            }
        }
    }

    /// A single frame above maxPayload but below the WebSocket layer's 16 KiB frame limit.
    @Test func oversizeSingleWebSocketFrameClosesWith1009() async throws {
        try await LiveServer.run(.init(maxPayload: 1000), setup: Self.echo) { live in
            let closeFrame = try await live.webSocket("EIO=4&transport=websocket") { socket in
                _ = try await socket.nextText()
                try await socket.send("40")
                let connected = try await socket.nextText()
                #expect(connected?.hasPrefix("40{") == true)
                #expect(try await socket.nextText() == #"42["auth",{}]"#)
                try await socket.send(#"42["message",""# + String(repeating: "x", count: 2000) + #""]"#)
                let next = try await socket.next(answeringPings: false)
                #expect(next == nil, "the oversize message was answered: \(String(describing: next))")
            }
            #expect(closeFrame?.closeCode == .messageTooLarge)
            let fresh = try await live.handshake()
            #expect(try await live.post(fresh, "40").status == 200)
        }
    }

    /// Interval and timeout of a second each: on a loaded 2-core box (the whole suite in one process) the first
    /// poll came later than the 400 ms that 200 ms timings allowed, after the session had rightly closed.
    @Test func missingPongClosesTheSessionInTime() async throws {
        try await LiveServer.run(.init(pingInterval: .seconds(1), pingTimeout: .seconds(1))) { live in
            let start = ContinuousClock.now
            let sid = try await live.handshake()
            #expect(try await live.poll(sid) == (200, "2"))
            var status = 200
            while status == 200, ContinuousClock.now - start < .seconds(20) {
                status = try await live.poll(sid).status
            }
            #expect(status == 400)
            #expect(ContinuousClock.now - start >= .seconds(2))
            #expect(ContinuousClock.now - start < .seconds(10))
            try await live.webSocket("EIO=4&transport=websocket") { socket in
                _ = try await socket.nextText()
                let opened = ContinuousClock.now
                await socket.waitForClose()
                #expect(ContinuousClock.now - opened < .seconds(10))
            }
        }
    }

    @Test func upgradeFromPollingToWebSocket() async throws {
        try await LiveServer.run(setup: Self.echo) { live in
            let sid = try await live.handshake()
            #expect(try await live.post(sid, "40").status == 200)
            #expect(try await live.poll(sid).body.contains(#"42["auth",{}]"#))
            try await live.webSocket("EIO=4&transport=websocket&sid=\(sid)") { socket in
                try await socket.send("2probe")
                #expect(try await socket.nextText() == "3probe")
                #expect(try await live.poll(sid) == (200, "6"))
                try await socket.send("5")
                try await socket.send(#"42["message","over ws"]"#)
                #expect(try await socket.nextText() == #"42["message-back","over ws"]"#)
                #expect(try await live.poll(sid).status == 400)
            }
        }
    }

    @Test func authHookAcceptsAndRefuses() async throws {
        let loopback = Mutex<Bool?>(nil)
        try await LiveServer.run(setup: { server in
            let secure = server.namespace("/secure")
            secure.authenticate { handshake in
                loopback.withLock { $0 = handshake.isLoopback }
                return handshake.auth["key"] == "k" ? .accept : .refuse(message: "unauthorized")
            }
            secure.onConnect { socket in try? socket.emit("welcome", [.string(socket.namespace)]) }
        }) { live in
            try await live.webSocket("EIO=4&transport=websocket") { socket in
                _ = try await socket.nextText()
                try await socket.send(#"40/secure,{"key":"bad"}"#)
                #expect(try await socket.nextText() == #"44/secure,{"message":"unauthorized"}"#)
                try await socket.send("40/nowhere,")
                #expect(try await socket.nextText() == #"44/nowhere,{"message":"Invalid namespace"}"#)
                try await socket.send(#"40/secure,{"key":"k"}"#)
                #expect(try await socket.nextText()?.hasPrefix(#"40/secure,{"sid":""#) == true)
                #expect(try await socket.nextText() == #"42/secure,["welcome","/secure"]"#)
            }
        }
        #expect(loopback.withLock { $0 } == true)
    }

    @Test func serverEmitWithAckAndTimeout() async throws {
        let (sockets, socketContinuation) = AsyncStream<SocketIOSocket>.makeStream()
        try await LiveServer.run(setup: { server in
            server.namespace("/").onConnect { socketContinuation.yield($0) }
        }) { live in
            try await live.webSocket("EIO=4&transport=websocket") { socket in
                _ = try await socket.nextText()
                try await socket.send("40")
                _ = try await socket.nextText()
                var iterator = sockets.makeAsyncIterator()
                let serverSocket = try #require(await iterator.next())
                try await withThrowingTaskGroup(of: [JSONValue].self) { group in
                    group.addTask { try await serverSocket.emitWithAck("question", [1, .binary([7])], timeout: .seconds(20)) }
                    #expect(try await socket.nextText() == #"451-0["question",1,{"_placeholder":true,"num":0}]"#)
                    #expect(try await socket.next() == .binary(ByteBuffer(bytes: [7])))
                    try await socket.send(#"430["answer",{"n":2}]"#)
                    #expect(try await group.next() == ["answer", ["n": 2]])
                }
                let start = ContinuousClock.now
                await #expect(throws: SocketIOError.self) {
                    try await serverSocket.emitWithAck("ignored", [], timeout: .milliseconds(300))
                }
                #expect(ContinuousClock.now - start >= .milliseconds(300))
                #expect(try await socket.nextText() == #"421["ignored"]"#)
            }
        }
    }

    @Test func broadcastReachesEverySocketOfTheNamespace() async throws {
        try await LiveServer.run { live in
            try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let received = Mutex<String?>(nil)
                        try await live.webSocket("EIO=4&transport=websocket") { socket in
                            _ = try await socket.nextText()
                            try await socket.send("40")
                            _ = try await socket.nextText()
                            let news = try await socket.nextText()
                            received.withLock { $0 = news }
                        }
                        return received.withLock { $0 }
                    }
                }
                while live.server.namespace("/").sockets.count < 2 {
                    try await Task.sleep(for: .milliseconds(10))
                }
                live.server.namespace("/").emit("news", ["for all"])
                for try await received in group {
                    #expect(received == #"42["news","for all"]"#)
                }
            }
        }
    }

    @Test func serverDisconnectAndClientDisconnectReachHandlers() async throws {
        let (reasons, reasonContinuation) = AsyncStream<DisconnectReason>.makeStream()
        try await LiveServer.run(setup: { server in
            server.namespace("/").onConnect { socket in
                socket.onDisconnect { reasonContinuation.yield($0) }
                socket.on("leave") { _, _ in socket.disconnect() }
            }
        }) { live in
            try await live.webSocket("EIO=4&transport=websocket") { socket in
                var iterator = reasons.makeAsyncIterator()
                _ = try await socket.nextText()
                try await socket.send("40")
                _ = try await socket.nextText()
                try await socket.send(#"42["leave"]"#)
                #expect(try await socket.nextText() == "41")
                let first = await iterator.next()
                #expect(first == .serverNamespaceDisconnect)
                try await socket.send("40")
                _ = try await socket.nextText()
                try await socket.send("41")
                let second = await iterator.next()
                #expect(second == .clientNamespaceDisconnect)
                try await socket.send("40")
                _ = try await socket.nextText()
                try await socket.send("1")
                await socket.waitForClose()
                let reason = await iterator.next()
                #expect(reason == .transportClose)
            }
        }
    }

    /// Handlers usually capture what holds the socket (a daemon's per-client session, the socket itself): once the
    /// socket disconnected they are let go, so the socket and its ended Engine.IO session are freed. (Kept, each
    /// client that ever connected cost the daemon a session, its buffers and its handshake for good.)
    @Test func aDisconnectedSocketIsFreedThoughItsHandlersCaptureIt() async throws {
        final class WeakSocket: Sendable {
            let reference = Mutex<[Weak]>([])
            struct Weak: @unchecked Sendable { weak var socket: SocketIOSocket? }
            var alive: Int { reference.withLock { $0.filter { $0.socket != nil }.count } }
        }
        let sockets = WeakSocket()
        let (disconnects, disconnected) = AsyncStream<Void>.makeStream()
        try await LiveServer.run(setup: { server in
            server.namespace("/").onConnect { socket in
                sockets.reference.withLock { $0.append(.init(socket: socket)) }
                socket.on("echo") { arguments, _ in try? socket.emit("echo", arguments) }
                socket.onDisconnect { _ in
                    _ = socket.id
                    disconnected.yield()
                }
            }
        }) { live in
            for _ in 0..<3 {
                try await live.webSocket("EIO=4&transport=websocket") { socket in
                    _ = try await socket.nextText()
                    try await socket.send("40")
                    _ = try await socket.nextText()
                    try await socket.send("41")
                }
            }
            var iterator = disconnects.makeAsyncIterator()
            for _ in 0..<3 { await iterator.next() }
            let deadline = ContinuousClock.now + .seconds(30)
            while sockets.alive > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(sockets.reference.withLock { $0.count } == 3)
            #expect(sockets.alive == 0, "disconnected sockets still referenced")
        }
    }

    @Test func slowHandlersPauseTheReaderInsteadOfDroppingTheClient() async throws {
        let handled = Mutex(0)
        try await LiveServer.run(.init(maxQueuedPackets: 8), setup: { server in
            server.namespace("/").onConnect { socket in
                socket.on("work") { arguments, ack in
                    try? await Task.sleep(for: .milliseconds(1))
                    handled.withLock { $0 += 1 }
                    ack?(arguments)
                }
            }
        }) { live in
            try await live.webSocket("EIO=4&transport=websocket") { socket in
                _ = try await socket.nextText()
                try await socket.send("40")
                _ = try await socket.nextText()
                for index in 0..<200 {
                    try await socket.send(#"42["work",\#(index)]"#)
                }
                try await socket.send(#"42999["work","last"]"#)
                #expect(try await socket.nextText() == #"43999["last"]"#)
            }
        }
        #expect(handled.withLock { $0 } == 201)
    }
}
