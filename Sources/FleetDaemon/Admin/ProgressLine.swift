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
        try Self.chunk(of: [event])
    }

    /// How long the writer rests after each chunk, collecting the lines that come meanwhile into the next one.
    /// A followed 200-shard rollout stores its entries in hundreds of steps, and a chunk per step (a write on an
    /// event loop and a wake-up of the follower) cost the daemon about 0.8 ms of CPU per instance; resting 25 ms
    /// made following cost nothing measurable, and a person watching `deploy` sees no difference.
    static let writePause: Duration = .milliseconds(25)

    /// Writes each event of `feed` as a line until it ends, the client leaves (a write throws) or the server shuts
    /// down gracefully (the lines ready go out, then the writing ends). The lines that are ready when the writer is
    /// go out as one chunk, and after each chunk the writer rests (`rest`: ``writePause``), so that the lines of
    /// the steps made meanwhile go out together: a step of a 200-shard rollout stores dozens of entries at once,
    /// and a write per line cost a followed rollout about a thousand writes. While it rests, nothing wakes it: the
    /// feed keeps what comes.
    /// - Throws: the feed's failure, after its lines; the writer's.
    static func write(
        _ feed: ProgressFeed, to writer: inout any ResponseBodyWriter,
        rest: @Sendable () async -> Void = { try? await Task.sleep(for: writePause) }
    ) async throws {
        var batches = feed.makeAsyncIterator()
        try await withGracefulShutdownHandler {
            while let ready = try await batches.nextBatch() {
                try await writer.write(chunk(of: ready))
                await rest()
            }
        } onGracefulShutdown: {
            feed.finish()
        }
    }

    /// The lines of `events` one after the other in one buffer.
    private static func chunk(of events: [ProgressEvent]) throws -> ByteBuffer {
        var text: [UInt8] = []
        text.reserveCapacity(256 * events.count)
        for event in events {
            try event.writeLine(to: &text)
            text.append(UInt8(ascii: "\n"))
        }
        return ByteBuffer(bytes: text)
    }
}
