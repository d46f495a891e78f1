import Dispatch
import Foundation
import Synchronization

/// The one thread that forks the children that must die with the daemon.
///
/// `PR_SET_PDEATHSIG` fires when the *thread* that forked the child ends, not
/// the process; Swift's pooled threads come and go, so such a child is forked
/// here, on a thread that never returns: its signal comes only when the whole
/// process is gone (SIGKILL, a crash, or its exit).
final class ParentDeathThread: Sendable {
    /// The thread of this process.
    static let shared = ParentDeathThread()

    /// One job's result, handed from the thread to the caller.
    private final class Slot: Sendable {
        let attempt = Mutex(SpawnAttempt(rc: 0, pid: 0))
        let done = DispatchSemaphore(value: 0)
    }

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in self.loop() }
        thread.name = "urban-robot.parent-death-spawner"
        thread.start()
    }

    /// Runs `attempt` on the thread and returns its result; the caller waits (a fork takes milliseconds).
    func run(_ attempt: @escaping @Sendable () -> SpawnAttempt) -> SpawnAttempt {
        let slot = Slot()
        jobs.withLock {
            $0.append {
                let result = attempt()
                slot.attempt.withLock { $0 = result }
                slot.done.signal()
            }
        }
        available.signal()
        slot.done.wait()
        return slot.attempt.withLock { $0 }
    }

    private func loop() -> Never {
        while true {
            available.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job()
        }
    }
}
