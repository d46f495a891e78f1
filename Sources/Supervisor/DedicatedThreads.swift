import Dispatch
import FleetTypes
import Foundation
import Synchronization

/// Threads of their own that run blocking jobs in the order they came, never on a thread of libdispatch's global
/// queues: on Linux, Swift's cooperative pool runs on those same threads, so a job that blocks there (a process
/// start waits in `waitpid` for its log relay, tens of milliseconds on a loaded machine) takes a thread from the
/// daemon's channel and admin API; two hundred starts of a rollout took all of them for seconds.
///
/// The threads live as long as the process (their loop never returns), which is also what a child forked with
/// `PR_SET_PDEATHSIG` needs: that signal fires when the forking *thread* ends.
final class DedicatedThreads: Sendable {
    /// Where ``LocalProcessLauncher`` starts processes: one at a time, in the order they were asked for.
    ///
    /// One thread, not a few: a rollout asks for a whole wave of starts at once (50 at 200 shards unpaced). Four
    /// threads kept four starts running together through the wave (the log file, the relay, `posix_spawn`), beside
    /// the event loops and the driver, and took their share of a small machine's cores while the wave's handovers
    /// were in flight. One thread starts a wave of 50 in 145-154 ms (four: 109-126 ms), well inside the 250 ms the
    /// identify pacing gives it. Scale benchmark, 200 C bots, 2-core box: handover p99 18.0 / 17.8 ms (unfollowed /
    /// followed) with four threads, 2.5 / 3.8 ms with one; rollout time 3.0 s either way.
    static let spawning = DedicatedThreads(name: "urban-spawn", count: 1)

    /// The one thread that forks the children that must die with the daemon.
    static let parentDeath = DedicatedThreads(name: "urban-pdeath", count: 1)

    /// How many threads there are.
    let count: Int
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)

    /// Starts `count` threads named `name` (as `/proc/<pid>/task/*/comm` shows them, up to 15 bytes).
    init(name: String, count: Int) {
        self.count = count
        for _ in 0..<count {
            NamedThread.start(name) { [self] in loop() }
        }
    }

    /// Runs `job` on one of the threads and waits for its result, blocking the calling thread.
    func run<Result: Sendable>(_ job: @escaping @Sendable () -> Result) -> Result {
        let slot = Mutex<Result?>(nil)
        let done = DispatchSemaphore(value: 0)
        submit {
            let result = job()
            slot.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return slot.withLock { $0! }
    }

    /// Runs `job` on one of the threads; the calling task is suspended meanwhile, its thread free.
    func run<Result: Sendable>(_ job: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: job()) }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        available.signal()
    }

    private func loop() -> Never {
        while true {
            available.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job()
        }
    }
}
