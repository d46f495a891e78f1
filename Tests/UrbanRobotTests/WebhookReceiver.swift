import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Testing

/// A real HTTP server on a loopback port that answers the first `failures` POSTs with 500.
final class WebhookReceiver: Sendable {
    let bodies = Mutex<[Data]>([])
    let attempts = Mutex(0)
    let failures: Int

    init(failures: Int = 0) { self.failures = failures }

    /// The JSON bodies received so far, decoded.
    var receivedObjects: [[String: Any]] {
        bodies.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }

    func withServer(_ body: @Sendable (_ url: String) async throws -> Void) async throws {
        let router = Router()
        router.post("/hook/secret-part") { request, _ -> HTTPResponse.Status in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let attempt = self.attempts.withLock { value in
                value += 1
                return value
            }
            if attempt <= self.failures { return .internalServerError }
            self.bodies.withLock { $0.append(Data(buffer.readableBytesView)) }
            return .noContent
        }
        let port = AsyncStream.makeStream(of: Int.self)
        var quiet = Logger(label: "webhook-receiver")
        quiet.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.continuation.yield(channel.localAddress?.port ?? 0) },
                              logger: quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var iterator = port.stream.makeAsyncIterator()
            let bound = try #require(await iterator.next())
            try await body("http://127.0.0.1:\(bound)/hook/secret-part")
            group.cancelAll()
        }
    }
}
