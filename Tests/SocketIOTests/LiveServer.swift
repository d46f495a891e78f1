import FleetTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import ServiceLifecycle
import Testing

@testable import SocketIO

/// A SocketIOServer listening on 127.0.0.1 port 0 for the duration of a test.
struct LiveServer {
    let server: SocketIOServer
    let port: Int

    static let logger = Logger(label: "SocketIOTests")

    /// Starts the server, runs `body`, then shuts the server down gracefully.
    static func run(
        _ configuration: SocketIOServer.Configuration = .init(),
        setup: (SocketIOServer) -> Void = { _ in },
        _ body: @escaping @Sendable (LiveServer) async throws -> Void
    ) async throws {
        let server = SocketIOServer(configuration: configuration, logger: logger)
        setup(server)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let application = server.application(
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let live = LiveServer(server: server, port: port)
            do {
                try await withDeadline(seconds: 60) { try await body(live) }
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// The server's URL path with a query.
    func target(_ query: String) -> String { "/socket.io/?\(query)" }

    /// One HTTP request on a fresh connection.
    func request(_ method: HTTPRequest.Method, _ query: String, body: String? = nil) async throws -> (status: Int, body: String) {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let response = try await client.execute(
                .init(target(query), method: method, headers: [:], body: body.map { ByteBuffer(string: $0) })
            )
            return (response.head.status.code, String(buffer: response.body ?? ByteBuffer()))
        }
    }

    /// Opens a polling session and returns its sid.
    func handshake() async throws -> String {
        let (status, body) = try await request(.get, "EIO=4&transport=polling")
        #expect(status == 200)
        let open = try JSONValue(parsing: body.dropFirst())
        return try #require(open["sid"]?.stringValue)
    }

    func poll(_ sid: String) async throws -> (status: Int, body: String) {
        try await request(.get, "EIO=4&transport=polling&sid=\(sid)")
    }

    func post(_ sid: String, _ body: String) async throws -> (status: Int, body: String) {
        try await request(.post, "EIO=4&transport=polling&sid=\(sid)", body: body)
    }

    /// Runs `body` with a raw WebSocket to the server.
    /// - Returns: The server's close frame, if it sent one.
    @discardableResult
    func webSocket(_ query: String, _ body: @escaping @Sendable (RawWebSocket) async throws -> Void) async throws -> WebSocketCloseFrame? {
        try await WebSocketClient.connect(
            url: "ws://127.0.0.1:\(port)\(target(query))",
            configuration: .init(maxFrameSize: 1 << 21),
            logger: Self.logger
        ) { inbound, outbound, _ in
            try await body(RawWebSocket(iterator: inbound.messages(maxSize: 1 << 21).makeAsyncIterator(), outbound: outbound))
        }
    }
}

/// A raw WebSocket in a test: read messages (pings answered and skipped), write frames.
final class RawWebSocket {
    private var iterator: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter

    init(iterator: WebSocketInboundMessageStream.AsyncIterator, outbound: WebSocketOutboundWriter) {
        self.iterator = iterator
        self.outbound = outbound
    }

    /// The next text or binary message that is not an Engine.IO ping; `nil` when the socket closed.
    func next(answeringPings: Bool = true) async throws -> WebSocketMessage? {
        while let message = try await iterator.next() {
            if case .text("2") = message {
                if answeringPings { try await outbound.write(.text("3")) }
                continue
            }
            return message
        }
        return nil
    }

    /// The next text message.
    func nextText() async throws -> String? {
        guard let message = try await next() else { return nil }
        guard case .text(let text) = message else {
            Issue.record("expected text, got \(message)")
            return nil
        }
        return text
    }

    func send(_ text: String) async throws {
        try await outbound.write(.text(text))
    }

    /// Reads until the server closes the socket.
    func waitForClose() async {
        do {
            while try await next(answeringPings: false) != nil {}
        } catch {}
    }
}

/// Runs `body`, failing when it takes longer than `seconds`.
func withDeadline(seconds: Int, _ body: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await body()
            return true
        }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return false
        }
        let finished = try await group.next() ?? false
        group.cancelAll()
        #expect(finished, "the test did not finish within \(seconds) s")
    }
}
