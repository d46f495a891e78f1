import NIOCore

/// Runs the jobs of the tasks that prefer it on one NIO event loop.
///
/// A session's dispatcher prefers the event loop of the connection that opened the session:
/// a message read on that loop wakes the dispatcher on the same thread, its handler's answer
/// is queued on the same loop, and an event's round trip never crosses threads. Handlers must
/// therefore not block (as on any Swift concurrency executor); an `await` on an actor or on
/// I/O suspends them without holding the loop.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        EventLoopBatch.execute(on: eventLoop) { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
