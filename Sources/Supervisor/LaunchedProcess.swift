#if canImport(Glibc)
import Glibc
#endif
import CSupervisorShims
import FleetTypes
import Synchronization

/// A running (or ended) process: launched by us, or adopted from a record
/// after a daemon restart.
///
/// Holds a pidfd, so signals to the process itself can never reach a
/// recycled pid. The pidfd is closed once the exit has been observed.
public final class LaunchedProcess: Sendable {
    /// The launch record (persist it to recognise the process after a restart).
    public let record: LaunchRecord
    /// False for a process adopted from a record: it is usually no longer
    /// anybody's child of ours, so its exit status is ``TerminationStatus/unknown``.
    public let isChild: Bool

    private struct State {
        var pidfd: Int32
        var exit: ProcessExit?
        var waiters: [UInt64: CheckedContinuation<ProcessExit?, Never>] = [:]
        var cancelledWaiters: Set<UInt64> = []
        var nextWaiterID: UInt64 = 0
    }

    private let state: Mutex<State>

    init(record: LaunchRecord, pidfd: Int32, isChild: Bool) {
        self.record = record
        self.isChild = isChild
        self.state = Mutex(State(pidfd: pidfd))
    }

    /// The process id.
    public var pid: Int32 { record.pid }

    /// The exit, once it has been observed.
    public var exit: ProcessExit? { state.withLock { $0.exit } }

    /// Waits until the process has exited.
    /// - Throws: `CancellationError` when the calling task is cancelled first.
    public func waitForExit() async throws -> ProcessExit {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let result: ProcessExit? = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: ProcessExit?? = state.withLock { state in
                    if let exit = state.exit { return .some(exit) }
                    if state.cancelledWaiters.remove(id) != nil { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { state in
                guard let continuation = state.waiters.removeValue(forKey: id) else {
                    if state.exit == nil { state.cancelledWaiters.insert(id) }
                    return CheckedContinuation<ProcessExit?, Never>?.none
                }
                return continuation
            }
            continuation?.resume(returning: nil)
        }
        guard let result else { throw CancellationError() }
        return result
    }

    /// Waits at most `duration` for the exit; nil when the process still runs
    /// (or the calling task is cancelled).
    public func waitForExit(within duration: Duration) async -> ProcessExit? {
        if let exit { return exit }
        return await withTaskGroup(of: ProcessExit?.self) { group in
            group.addTask { try? await self.waitForExit() }
            group.addTask {
                try? await Task.sleep(for: duration)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Sends `signal` to the process only (through its pidfd). Returns false
    /// when it has already exited.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        state.withLock { state in
            guard state.exit == nil else { return false }
            return csup_pidfd_send_signal(state.pidfd, signal) == 0
        }
    }

    /// Sends `signal` to the process group (the process and whatever it
    /// spawned that stayed in its group). Returns false when the group is
    /// empty, or when the recorded group is not a valid group of another
    /// session (0, 1 or our own: a damaged record never signals us or everyone).
    @discardableResult
    public func signalGroup(_ signal: Int32) -> Bool {
        let group = record.processGroup
        guard group > 1, group != getpgrp() else { return false }
        return kill(-group, signal) == 0
    }

    /// The pidfd, for registering with the monitor before any exit is observed.
    var pidfdForMonitor: Int32 { state.withLock { $0.pidfd } }

    /// Called once on the monitor thread when the pidfd is readable: reaps a
    /// child, records the exit, closes the pidfd and wakes the waiters.
    func observeExit() -> ProcessExit {
        var code: Int32 = 0
        var status: Int32 = 0
        let (pidfd, alreadyExited) = state.withLock { ($0.pidfd, $0.exit) }
        if let alreadyExited { return alreadyExited }
        let reaped = csup_pidfd_reap(pidfd, &code, &status)
        let exitStatus: TerminationStatus
        if reaped == 1 {
            switch code {
            case Int32(CLD_EXITED): exitStatus = .exited(code: status)
            case Int32(CLD_KILLED): exitStatus = .signaled(signal: status, coreDumped: false)
            case Int32(CLD_DUMPED): exitStatus = .signaled(signal: status, coreDumped: true)
            default: exitStatus = .unknown
            }
        } else {
            exitStatus = .unknown
        }
        let exit = ProcessExit(record: record, status: exitStatus)
        let waiters = state.withLock { state in
            state.exit = exit
            close(state.pidfd)
            state.pidfd = -1
            let waiters = Array(state.waiters.values)
            state.waiters = [:]
            state.cancelledWaiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: exit) }
        return exit
    }
}
