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

    /// The pidfd; -1 once the exit has been observed.
    private let pidfd: Mutex<Int32>
    /// The exit, set once when it has been observed.
    let exitLatch = Latch<ProcessExit>()
    /// `/proc/<pid>/statm`, held open from the first ``usage()`` until the exit has been observed when the daemon's
    /// open-files limit is at least ``usageFileLimitFloor``: `status` reads every client's usage, and reading an
    /// open file again costs a third of opening, reading and closing it (measured with `/proc/<pid>/stat`: 4.8
    /// against 13 µs here). -1 while not held, ``usageFileClosed`` once the exit has been observed.
    let usageFile = Mutex<Int32>(-1)
    /// ``usageFile`` once closed for good: never opened again.
    static let usageFileClosed: Int32 = -2
    /// The soft open-files limit from which ``usageFile`` is held: a descriptor more per bot costs nothing under
    /// the limit `serve` raises itself to (524,288 under systemd), but under a tight one it would take the room
    /// of the launches, fetches and tags that need it.
    let usageFileLimitFloor: UInt64
    /// The default ``usageFileLimitFloor``.
    public static let roomyOpenFilesLimit: UInt64 = 65_536

    init(record: LaunchRecord, pidfd: Int32, isChild: Bool, usageFileLimitFloor: UInt64 = roomyOpenFilesLimit) {
        self.record = record
        self.isChild = isChild
        self.pidfd = Mutex(pidfd)
        self.usageFileLimitFloor = usageFileLimitFloor
    }

    deinit {
        usageFile.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
        }
    }

    /// The process id.
    public var pid: Int32 { record.pid }

    /// The exit, once it has been observed.
    public var exit: ProcessExit? { exitLatch.value }

    /// Waits until the process has exited.
    /// - Throws: `CancellationError` when the calling task is cancelled first.
    public func waitForExit() async throws -> ProcessExit {
        guard let exit = await exitLatch.wait() else { throw CancellationError() }
        return exit
    }

    /// Waits at most `duration` for the exit; nil when the process still runs
    /// (or the calling task is cancelled).
    public func waitForExit(within duration: Duration) async -> ProcessExit? {
        await exitLatch.wait(within: duration)
    }

    /// Sends `signal` to the process only (through its pidfd). Returns false
    /// when it has already exited.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        pidfd.withLock { pidfd in
            pidfd >= 0 && csup_pidfd_send_signal(pidfd, signal) == 0
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
    var pidfdForMonitor: Int32 { pidfd.withLock { $0 } }

    /// Called once on the monitor thread when the pidfd is readable: reaps a
    /// child, records the exit, closes the pidfd and wakes the waiters.
    func observeExit() -> ProcessExit {
        var code: Int32 = 0
        var status: Int32 = 0
        if let alreadyExited = exit { return alreadyExited }
        let reaped = csup_pidfd_reap(pidfdForMonitor, &code, &status)
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
        pidfd.withLock { pidfd in
            close(pidfd)
            pidfd = -1
        }
        usageFile.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
            descriptor = Self.usageFileClosed
        }
        exitLatch.set(exit)
        return exit
    }
}
