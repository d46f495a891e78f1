import AdminAPI
import Deployer
import Foundation
import Hummingbird
import ServiceLifecycle

/// One line of `GET /v1/deployments/{id}/events`: a ``ProgressEvent`` as JSON, and for the last
/// event (`finished`) also `outcome` and `reason` at the top level, and `log_tail` when a failing client's log
/// is known, as docs/admin-api.md shows.
struct ProgressLine: Encodable {
    let event: ProgressEvent

    private enum CodingKeys: String, CodingKey {
        case time, deployment, kind, instance, client, detail, message, outcome, reason
        case logTail = "log_tail"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event.time, forKey: .time)
        try container.encode(event.deployment, forKey: .deployment)
        try container.encode(event.kind, forKey: .kind)
        try container.encode(event.instance, forKey: .instance)
        try container.encode(event.client, forKey: .client)
        try container.encode(event.detail, forKey: .detail)
        try container.encode(event.message, forKey: .message)
        if event.kind == ProgressEvent.finishedKind {
            try container.encode(event.detail["outcome"], forKey: .outcome)
            try container.encode(event.detail["reason"], forKey: .reason)
            try container.encodeIfPresent(event.logTail, forKey: .logTail)
        }
    }

    /// The line's bytes, newline included: ``AnswerEncoder``'s, which are `StatusSnapshot.encoder`'s in about half
    /// its time (a followed 200-shard rollout sends some 2,000 lines to each follower).
    func encoded() throws -> ByteBuffer {
        var text = try AnswerEncoder().encode(self)
        text.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: text)
    }

    /// Writes each event of `stream` as a line until it ends, the client leaves (a write throws) or the
    /// server shuts down gracefully (the relay ends, and the pump reading `stream` is cancelled).
    static func write(_ stream: AsyncThrowingStream<ProgressEvent, any Error>, to writer: inout any ResponseBodyWriter) async throws {
        let (relay, continuation) = AsyncThrowingStream<ProgressEvent, any Error>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await event in stream { continuation.yield(event) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            defer { group.cancelAll() }
            try await withGracefulShutdownHandler {
                for try await event in relay {
                    try await writer.write(ProgressLine(event: event).encoded())
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
        }
    }
}
