import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import SocketIO

/// ``EventLoopBatch``: what a thread queues for event loops while it collects waits until it is done, then reaches
/// each loop in order, as one job; other threads and nested scopes are not held.
@Suite struct EventLoopBatchTests {
    /// What the jobs recorded, in the order they ran.
    final class Record: Sendable {
        private let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    /// Runs `body` with a two-loop group, shut down after.
    static func withLoops(_ body: (any EventLoop, any EventLoop) throws -> Void) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let loops = Array(group.makeIterator())
        try body(loops[0], loops[1])
    }

    /// Waits until every job queued on `loop` before it ran (a loop runs its jobs in order).
    static func drain(_ loop: any EventLoop) throws {
        try loop.submit {}.wait()
    }

    @Test func workWaitsForTheEndOfTheCollectionThenRunsInOrder() throws {
        try Self.withLoops { loop, _ in
            let record = Record()
            EventLoopBatch.collect {
                for index in 1...3 { EventLoopBatch.execute(on: loop) { record.add("job \(index)") } }
                // A job queued directly after them runs first: they were held.
                try? loop.submit { record.add("direct") }.wait()
                #expect(record.all == ["direct"])
            }
            try Self.drain(loop)
            #expect(record.all == ["direct", "job 1", "job 2", "job 3"])
        }
    }

    @Test func eachLoopGetsItsOwnWorkOnItsOwnThread() throws {
        try Self.withLoops { first, second in
            let record = Record()
            EventLoopBatch.collect {
                for (name, loop) in [("a1", first), ("b1", second), ("a2", first), ("b2", second)] {
                    EventLoopBatch.execute(on: loop) { record.add(loop.inEventLoop ? name : "\(name) off its loop") }
                }
            }
            try Self.drain(first)
            try Self.drain(second)
            #expect(record.all.filter { $0.hasPrefix("a") } == ["a1", "a2"])
            #expect(record.all.filter { $0.hasPrefix("b") } == ["b1", "b2"])
        }
    }

    @Test func theOuterCollectionHandsOutWhatANestedOneQueued() throws {
        try Self.withLoops { loop, _ in
            let record = Record()
            EventLoopBatch.collect {
                EventLoopBatch.collect { EventLoopBatch.execute(on: loop) { record.add("inner") } }
                try? loop.submit { record.add("direct") }.wait()
                EventLoopBatch.execute(on: loop) { record.add("outer") }
            }
            try Self.drain(loop)
            #expect(record.all == ["direct", "inner", "outer"])
        }
    }

    @Test func otherThreadsAreNotHeld() throws {
        try Self.withLoops { loop, _ in
            let record = Record()
            EventLoopBatch.collect {
                EventLoopBatch.execute(on: loop) { record.add("collected") }
                let done = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    EventLoopBatch.execute(on: loop) { record.add("other thread") }
                    done.signal()
                }
                done.wait()
                try? Self.drain(loop)
                #expect(record.all == ["other thread"])
            }
            try Self.drain(loop)
            #expect(record.all == ["other thread", "collected"])
        }
    }

    @Test func aBodyThatThrowsStillHandsOut() throws {
        struct Failure: Error {}
        try Self.withLoops { loop, _ in
            let record = Record()
            #expect(throws: Failure.self) {
                try EventLoopBatch.collect {
                    EventLoopBatch.execute(on: loop) { record.add("queued before the throw") }
                    throw Failure()
                }
            }
            try Self.drain(loop)
            #expect(record.all == ["queued before the throw"])
            // The thread collects no more: work now goes at once.
            EventLoopBatch.execute(on: loop) { record.add("after") }
            try Self.drain(loop)
            #expect(record.all == ["queued before the throw", "after"])
        }
    }

    @Test func aResumedTaskPreferringALoopWaitsForTheCollection() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let record = Record()
        let (suspended, suspension) = AsyncStream.makeStream(of: CheckedContinuation<Void, Never>.self)
        let task = Task(executorPreference: EventLoopTaskExecutor(eventLoop: loop)) {
            await withCheckedContinuation { suspension.yield($0) }
            record.add(loop.inEventLoop ? "resumed on its loop" : "resumed off its loop")
        }
        var waiting = suspended.makeAsyncIterator()
        let continuation = try #require(await waiting.next())
        // The task handed its continuation over from a job of the loop; once the loop ran a job queued after that
        // one, the task is suspended, and resuming it queues it on the loop.
        try await loop.submit {}.get()
        EventLoopBatch.collect {
            continuation.resume()
            try? loop.submit { record.add("direct") }.wait()
        }
        await task.value
        #expect(record.all == ["direct", "resumed on its loop"])
        try await group.shutdownGracefully()
    }
}
