import AdminAPI
@testable import FleetDaemon
import Foundation
import Hummingbird
import NIOCore
import Synchronization
import Testing

/// How `ProgressLine.write` writes a deployment's feed: every line once, in order, the lines ready together (or
/// made while the writer rests after a chunk) as one chunk; the feed's failure thrown after the lines before it; a
/// client that leaves ends it at once.
@Suite(.timeLimit(.minutes(1))) struct ProgressLineStreamTests {
    struct StreamFailed: Error {}
    struct ClientLeft: Error {}

    /// Collects the chunks written; the first write says it started (`firstWriteStarted`) and waits for
    /// `firstWriteWaitsFor` to finish, and with `failing` every write throws ``ClientLeft``.
    final class CollectingWriter: ResponseBodyWriter, Sendable {
        let chunks = Mutex<[[UInt8]]>([])
        let firstWriteStarted: AsyncStream<Void>.Continuation?
        let firstWriteWaitsFor: AsyncStream<Void>?
        let failing: Bool

        init(firstWriteStarted: AsyncStream<Void>.Continuation? = nil, firstWriteWaitsFor: AsyncStream<Void>? = nil,
             failing: Bool = false) {
            self.firstWriteStarted = firstWriteStarted
            self.firstWriteWaitsFor = firstWriteWaitsFor
            self.failing = failing
        }

        func write(_ buffer: ByteBuffer) async throws {
            if failing { throw ClientLeft() }
            if chunks.withLock({ $0.isEmpty }) {
                firstWriteStarted?.finish()
                if let firstWriteWaitsFor { for await _ in firstWriteWaitsFor {} }
            }
            chunks.withLock { $0.append(Array(buffer.readableBytesView)) }
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    private static func event(_ index: Int) -> ProgressEvent {
        Fixtures.event("gate.passed", "shard-\(index).1 passed its health check", instance: index, client: "shard-\(index).1")
    }

    private static func lines(_ range: Range<Int>) throws -> [UInt8] {
        try range.flatMap { Array(try ProgressLine(event: event($0)).encoded().readableBytesView) }
    }

    @Test("39 lines that come while the first write waits go out in the next chunk: every line once, in order")
    func readyLinesGoOutTogether() async throws {
        let (started, startedWriting) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseWrite) = AsyncStream.makeStream(of: Void.self)
        let feed = ProgressFeed()
        feed.append([.event(Self.event(0))])
        let collecting = CollectingWriter(firstWriteStarted: startedWriting, firstWriteWaitsFor: release)
        async let written: Void = {
            var writer: any ResponseBodyWriter = collecting
            try await ProgressLine.write(feed, to: &writer, rest: {})
        }()
        for await _ in started {}
        for index in 1..<40 { feed.append([.event(Self.event(index))]) }
        feed.finish()
        releaseWrite.finish()
        try await written
        let chunks = collecting.chunks.withLock { $0 }
        #expect(chunks == [try Self.lines(0..<1), try Self.lines(1..<40)])
    }

    @Test("lines that come one by one while the writer rests after a chunk go out together in the next one")
    func linesOfTheRestGoOutTogether() async throws {
        let (restStarted, startRest) = AsyncStream.makeStream(of: Void.self)
        let (restEnds, endRest) = AsyncStream.makeStream(of: Void.self)
        let feed = ProgressFeed()
        feed.append([.event(Self.event(0))])
        let collecting = CollectingWriter()
        async let written: Void = {
            var writer: any ResponseBodyWriter = collecting
            try await ProgressLine.write(feed, to: &writer) {
                startRest.finish()
                for await _ in restEnds {}
            }
        }()
        for await _ in restStarted {}
        for index in 1..<10 { feed.append([.event(Self.event(index))]) }
        feed.finish()
        endRest.finish()
        try await written
        let chunks = collecting.chunks.withLock { $0 }
        #expect(chunks == [try Self.lines(0..<1), try Self.lines(1..<10)])
    }

    @Test("a feed that fails: the lines before the failure are written, then its error is thrown")
    func feedFailure() async throws {
        let feed = ProgressFeed()
        feed.append((0..<3).map { .event(Self.event($0)) })
        feed.finish(throwing: StreamFailed())
        let collecting = CollectingWriter()
        var writer: any ResponseBodyWriter = collecting
        await #expect(throws: StreamFailed.self) { try await ProgressLine.write(feed, to: &writer) }
        #expect(collecting.chunks.withLock { $0.flatMap { $0 } } == (try Self.lines(0..<3)))
    }

    @Test("a client that leaves (a write throws) ends the writing at once, though the feed would go on for ever")
    func clientLeaves() async throws {
        let feed = ProgressFeed()
        feed.append([.event(Self.event(0))])
        var writer: any ResponseBodyWriter = CollectingWriter(failing: true)
        await #expect(throws: ClientLeft.self) { try await ProgressLine.write(feed, to: &writer) }
    }
}
