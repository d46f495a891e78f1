#if canImport(Glibc)
import Glibc
#endif
import CSupervisorShims
import FleetTypes
import Foundation
import Synchronization

/// One thread for the whole process that waits, in `epoll`, for pidfds to
/// become readable (the process has exited) and runs each one's handler once;
/// about once a second it also runs the periodic jobs (``LogRotation``).
///
/// No busy polling: the thread sleeps in `epoll_wait` and wakes on an exit or
/// on the one-second tick. It lives as long as the daemon, like
/// swift-subprocess's own monitor thread.
final class ProcessMonitor: Sendable {
    /// The monitor shared by every launcher of this process.
    static let shared = ProcessMonitor()

    private struct State {
        var exitHandlers: [Int32: @Sendable () -> Void] = [:]
        var periodicJobs: [UInt64: @Sendable () -> Void] = [:]
        var nextJobID: UInt64 = 0
    }

    private let epollFD: Int32
    private let state = Mutex(State())
    private static let tickMilliseconds: Int32 = 1000
    /// The monitor thread's name, as `top -H`, `perf` and `/proc/<pid>/task/*/comm` show it.
    static let threadName = "urban-monitor"

    private init() {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epollFD >= 0, "epoll_create1 failed: \(SystemCallError("epoll_create1", errno: errno))")
        // In 15 bytes: the kernel refuses a longer name (the old one, 27 bytes, left it named as the dispatch pool's).
        NamedThread.start(Self.threadName) { [self] in loop() }
    }

    /// Runs `handler` on the monitor thread once `pidfd` is readable.
    func watch(pidfd: Int32, onExit handler: @escaping @Sendable () -> Void) throws(SystemCallError) {
        state.withLock { $0.exitHandlers[pidfd] = handler }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = pidfd
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, pidfd, &event) == 0 else {
            let error = SystemCallError("epoll_ctl", errno: errno)
            _ = state.withLock { $0.exitHandlers.removeValue(forKey: pidfd) }
            throw error
        }
    }

    /// Adds a job run about once a second on the monitor thread; returns its id.
    func addPeriodic(_ job: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { state in
            state.nextJobID += 1
            state.periodicJobs[state.nextJobID] = job
            return state.nextJobID
        }
    }

    /// Removes a periodic job.
    func removePeriodic(_ id: UInt64) {
        _ = state.withLock { $0.periodicJobs.removeValue(forKey: id) }
    }

    private func loop() {
        // A buffer of its own, never an array: `&events` of an array iterated by a slice made the optimized build
        // copy the array at wake-ups and never free the copies (heaptrack: 802 copies of 800 B still allocated
        // after 1,250 replaced bots).
        let capacity = 64
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        let tick = Duration.milliseconds(Int(Self.tickMilliseconds))
        var nextTick = ContinuousClock.now + tick
        while true {
            let untilTick = ContinuousClock.now.duration(to: nextTick)
            let timeout = max(0, Int32(untilTick / .milliseconds(1)))
            let count = epoll_wait(epollFD, events, Int32(capacity), timeout)
            if count > 0 {
                for index in 0..<Int(count) {
                    let fd = events[index].data.fd
                    epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
                    let handler = state.withLock { $0.exitHandlers.removeValue(forKey: fd) }
                    handler?()
                }
            }
            if ContinuousClock.now >= nextTick {
                nextTick = ContinuousClock.now + tick
                let jobs = state.withLock { Array($0.periodicJobs.values) }
                for job in jobs { job() }
            }
        }
    }
}
