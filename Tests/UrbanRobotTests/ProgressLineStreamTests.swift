import AdminAPI
@testable import FleetDaemon
import Foundation
import Hummingbird
import NIOCore
import Synchronization
import Testing

/// How `ProgressLine.write` writes a deployment's stream: every line once, in order, the lines ready together (or
/// made while the writer rests after a chunk) as one chunk; the stream's error thrown after the lines before it; a
/// client that leaves ends it at once.
@Suite(.timeLimit(.minutes(1))) struct ProgressLineStreamTests {
    struct StreamFailed: Error {}
    struct ClientLeft: Error {}

    /// Collects the chunks written; the first write waits for `firstWriteWaitsFor` to finish, and with
    /// `failing` every write throws ``ClientLeft``.
    final class CollectingWriter: ResponseBodyWriter {
        let chunks = Mutex<[[UInt8]]>([])
        let firstWriteWaitsFor: AsyncStream<Void>?
        let failing: Bool

        init(firstWriteWaitsFor: AsyncStream<Void>? = nil, failing: Bool = false) {
            self.firstWriteWaitsFor = firstWriteWaitsFor
            self.failing = failing
        }

        func write(_ buffer: ByteBuffer) async throws {
            if failing { throw ClientLeft() }
            if chunks.withLock({ $0.isEmpty }), let firstWriteWaitsFor { for await _ in firstWriteWaitsFor {} }
            chunks.withLock { $0.append(Array(buffer.readableBytesView)) }
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    /// Counts what a stream handed out.
    final class Counter: Sendable {
        private let count = Mutex(0)
        func next() -> Int {
            count.withLock { count in
                defer { count += 1 }
                return count
            }
        }
    }

    private static func event(_ index: Int) -> ProgressEvent {
        Fixtures.event("gate.passed", "shard-\(index).1 passed its health check", instance: index, client: "shard-\(index).1")
    }

    private static func lines(_ count: Int) throws -> [UInt8] {
        try (0..<count).flatMap { Array(try ProgressLine(event: event($0)).encoded().readableBytesView) }
    }

    @Test("40 lines ready while the first write waits go out in the next chunk: every line once, in order")
    func readyLinesGoOutTogether() async throws {
        let (consumed, allConsumed) = AsyncStream.makeStream(of: Void.self)
        let counter = Counter()
        let stream = AsyncThrowingStream<ProgressEvent, any Error> {
            let index = counter.next()
            guard index < 40 else {
                allConsumed.finish()
                return nil
            }
            return Self.event(index)
        }
        let collecting = CollectingWriter(firstWriteWaitsFor: consumed)
        var writer: any ResponseBodyWriter = collecting
        try await ProgressLine.write(stream, to: &writer)
        let chunks = collecting.chunks.withLock { $0 }
        #expect(chunks.flatMap { $0 } == (try Self.lines(40)))
        #expect(chunks.count <= 2, "the first line's chunk, then the 39 that were ready: \(chunks.count) writes")
    }

    @Test("lines that come one by one while the writer rests after a chunk go out together in the next one")
    func linesOfTheRestGoOutTogether() async throws {
        let (restStarted, startRest) = AsyncStream.makeStream(of: Void.self)
        let (restEnds, endRest) = AsyncStream.makeStream(of: Void.self)
        let counter = Counter()
        // Line 0, then (once the writer rests after writing it) lines 1 to 9 one by one; the rest ends when the
        // stream is asked for an eleventh line, that is once all ten were handed to the writer.
        let stream = AsyncThrowingStream<ProgressEvent, any Error> {
            let index = counter.next()
            if index == 1 { for await _ in restStarted {} }
            guard index < 10 else {
                endRest.finish()
                return nil
            }
            return Self.event(index)
        }
        let collecting = CollectingWriter()
        var writer: any ResponseBodyWriter = collecting
        try await ProgressLine.write(stream, to: &writer) {
            startRest.finish()
            for await _ in restEnds {}
        }
        let chunks = collecting.chunks.withLock { $0 }
        #expect(chunks.flatMap { $0 } == (try Self.lines(10)))
        #expect(chunks.count == 2, "the first line, then the nine that came while the writer rested: \(chunks.count) writes")
    }

    @Test("a stream that fails: the lines before the failure are written, then its error is thrown")
    func streamFailure() async throws {
        let counter = Counter()
        let stream = AsyncThrowingStream<ProgressEvent, any Error> {
            let index = counter.next()
            guard index < 3 else { throw StreamFailed() }
            return Self.event(index)
        }
        let collecting = CollectingWriter()
        var writer: any ResponseBodyWriter = collecting
        await #expect(throws: StreamFailed.self) { try await ProgressLine.write(stream, to: &writer) }
        #expect(collecting.chunks.withLock { $0.flatMap { $0 } } == (try Self.lines(3)))
    }

    @Test("a client that leaves (a write throws) ends the writing at once, though the stream would go on for an hour")
    func clientLeaves() async throws {
        let counter = Counter()
        let stream = AsyncThrowingStream<ProgressEvent, any Error> {
            if counter.next() > 0 { try await Task.sleep(for: .seconds(3600)) }
            return Self.event(0)
        }
        var writer: any ResponseBodyWriter = CollectingWriter(failing: true)
        await #expect(throws: ClientLeft.self) { try await ProgressLine.write(stream, to: &writer) }
    }
}
