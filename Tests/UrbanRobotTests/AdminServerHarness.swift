@testable import AdminAPI
import AsyncHTTPClient
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
@testable import FleetOperator
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Runs an ``AdminServer`` on 127.0.0.1 port 0 around a test, then shuts it down gracefully.
struct AdminServerHarness {
    static let token = AdminToken(value: "0123456789abcdef-test-token")

    let port: Int
    let control: TestDaemonControl

    var client: AdminClient {
        AdminClient(listen: ListenAddress(host: "127.0.0.1", port: port), token: Self.token)
    }

    /// Runs `body` against a server of `control`.
    static func run<Value: Sendable>(
        control: TestDaemonControl = TestDaemonControl(),
        metrics: DaemonMetrics = DaemonMetrics(channelSessions: { 2 }),
        webhook: (TestDaemonControl) -> GitHubWebhook? = { _ in nil },
        sessions: UISessions = UISessions(),
        _ body: (AdminServerHarness) async throws -> Value
    ) async throws -> Value {
        try await serve(control: control, metrics: metrics, webhook: webhook(control), sessions: sessions) { port in
            try await body(AdminServerHarness(port: port, control: control))
        }
    }

    /// Runs an ``AdminServer`` of any `control` (a real ``Daemon`` too) around `body`, which gets its port.
    static func serve<Value: Sendable>(
        control: any DaemonControl, metrics: DaemonMetrics = DaemonMetrics(channelSessions: { 2 }),
        webhook: GitHubWebhook?, sessions: UISessions = UISessions(), _ body: (Int) async throws -> Value
    ) async throws -> Value {
        let logger = Logger(label: "admin-test")
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let server = AdminServer(listen: ListenAddress(host: "127.0.0.1", port: 0), token: token, control: control,
                                 metrics: metrics, webhook: webhook, branch: "main", logger: logger,
                                 sessions: sessions) { port in
            announce.yield(port)
        }
        let group = ServiceGroup(services: [server], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            do {
                let value = try await body(port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// A raw request: method, path, optional bearer token, headers and body; returns status and body text.
    func request(_ method: NIOHTTP1.HTTPMethod, _ path: String, token: String? = Self.token.value,
                 headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> (status: Int, body: String) {
        try await Self.request(port: port, method, path, token: token, headers: headers, body: body)
    }

    /// A raw request to the server on `port`.
    static func request(port: Int, _ method: NIOHTTP1.HTTPMethod, _ path: String, token: String? = token.value,
                        headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: data))
    }

    /// The body as a JSON object.
    static func object(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }
}
