import FleetTypes
import Foundation
import Synchronization

/// A serial executor and task executor that runs its jobs in order on one dedicated thread of its own, never on
/// the cooperative pool.
///
/// The ``DeployerDriver`` runs on one, so that an engine step and its synchronous SQLite transaction never occupy
/// a thread of the cooperative pool (a slow disk stalls the driver, never the channel's handlers or the admin
/// API), and a task started with it as its preference (``DeployerDriver/taskExecutor``) reaches the engine without
/// waiting for a thread of the pool, which a rollout's channel traffic can keep busy for tens of milliseconds at a
/// time. The daemon's exit watcher collects the launcher's exits on another, where each exit's turn does not wait
/// behind the driver's steps.
///
/// ```swift
/// let exitsThread = ThreadExecutor(name: "urban-exits")
/// group.addTask(executorPreference: exitsThread) { for await exit in launcher.exits { batches.add(exit) } }
/// ```
///
/// The thread ends when the executor is released (no job of it is left).
public final class ThreadExecutor: SerialExecutor, TaskExecutor {
    /// The jobs waiting, and whether the thread should end; shared with the thread, which does not keep the
    /// executor alive.
    private final class Queue: Sendable {
        private struct State {
            var jobs: [UnownedJob] = []
            var ended = false
        }

        private let state = Mutex(State())
        private let signal = NSCondition()

        func push(_ job: UnownedJob) {
            change { $0.jobs.append(job) }
        }

        func end() {
            change { $0.ended = true }
        }

        private func change(_ body: @Sendable (inout State) -> Void) {
            signal.lock()
            state.withLock { body(&$0) }
            signal.signal()
            signal.unlock()
        }

        /// The jobs to run now (waiting for one), or nil when the thread should end.
        func next() -> [UnownedJob]? {
            signal.lock()
            defer { signal.unlock() }
            while true {
                let (jobs, ended) = state.withLock { state in
                    defer { state.jobs.removeAll(keepingCapacity: true) }
                    return (state.jobs, state.ended)
                }
                if !jobs.isEmpty { return jobs }
                if ended { return nil }
                signal.wait()
            }
        }
    }

    private let queue = Queue()

    /// Starts the thread, named `name` (as `top` and `/proc/<pid>/task/*/comm` show it, up to 15 bytes).
    public init(name: String) {
        let queue = self.queue
        let unowned = UnownedSerialExecutor(ordinary: self)
        NamedThread.start(name) {
            while let jobs = queue.next() {
                for job in jobs { job.runSynchronously(on: unowned) }
            }
        }
    }

    deinit {
        queue.end()
    }

    /// Queues a job for the thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        queue.push(UnownedJob(job))
    }
}
