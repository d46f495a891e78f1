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

    /// The line's bytes, newline included: `StatusSnapshot.encoder`'s for this `Encodable` form, written directly
    /// (``ProgressEvent/writeLine(to:)``; a followed 200-shard rollout sends some 2,000 lines to each follower).
    func encoded() throws -> ByteBuffer {
        var text: [UInt8] = []
        text.reserveCapacity(256)
        try event.writeLine(to: &text)
        text.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: text)
    }

    /// How long the writer rests after each chunk, collecting the lines that come meanwhile into the next one.
    /// A followed 200-shard rollout stores its entries in hundreds of steps, and a chunk per step (a write on an
    /// event loop and a wake-up of the follower) cost the daemon about 0.8 ms of CPU per instance; resting 25 ms
    /// made following cost nothing measurable, and a person watching `deploy` sees no difference.
    static let writePause: Duration = .milliseconds(25)

    /// Writes each event of `stream` as a line until it ends, the client leaves (a write throws) or the
    /// server shuts down gracefully (the lines end, and the pump reading `stream` is cancelled). The lines that
    /// are ready when the writer is go out as one chunk, and after each chunk the writer rests (`rest`:
    /// ``writePause``), so that the lines of the steps made meanwhile go out together: a step of a 200-shard
    /// rollout stores dozens of entries at once, and a write per line cost a followed rollout about a thousand
    /// writes.
    static func write(
        _ stream: AsyncThrowingStream<ProgressEvent, any Error>, to writer: inout any ResponseBodyWriter,
        rest: @Sendable () async -> Void = { try? await Task.sleep(for: writePause) }
    ) async throws {
        let lines = ReadyBatches<ByteBuffer>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { lines.finish() }
                for try await event in stream { lines.add(try ProgressLine(event: event).encoded()) }
            }
            try await withGracefulShutdownHandler {
                try await lines.forEach { ready in
                    try await writer.write(chunk(of: ready))
                    await rest()
                }
            } onGracefulShutdown: {
                lines.finish()
            }
            // The lines ended: the stream did (its error, if any, is thrown here) or the server is shutting down.
            group.cancelAll()
            try await group.next()
        }
    }

    /// The lines one after the other in one buffer.
    private static func chunk(of lines: [ByteBuffer]) -> ByteBuffer {
        guard lines.count > 1 else { return lines[0] }
        var chunk = ByteBuffer()
        chunk.reserveCapacity(lines.reduce(0) { $0 + $1.readableBytes })
        for var line in lines { chunk.writeBuffer(&line) }
        return chunk
    }
}
