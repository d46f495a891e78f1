#if canImport(Glibc)
import Glibc
#endif
import Synchronization

extension LaunchedProcess: LaunchedClient {
    /// What the process uses now (``ProcessUsage``); nil once it is gone. Under a roomy open-files limit its
    /// `/proc/<pid>/statm` is opened at the first call and read again in place after that (``usageFile``).
    public func usage() async -> ProcessUsage? {
        usageFile.withLock { descriptor in
            guard exit == nil, descriptor != Self.usageFileClosed else { return nil }
            if descriptor < 0 {
                guard (OpenFilesLimit.current()?.soft ?? 0) >= usageFileLimitFloor else { return ProcessUsage.read(pid: pid) }
                descriptor = open("/proc/\(pid)/statm", O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { return nil }
            }
            return ProcessUsage.read(pid: pid, statmDescriptor: descriptor)
        }
    }

    /// Stops the process and says how it ended.
    ///
    /// 1. `politely` (e.g. send the channel's `shutdown`), then wait up to
    ///    `timing.stopGrace` for the exit; without a polite step this is skipped;
    /// 2. SIGTERM to the process group, wait up to `timing.killGrace`;
    /// 3. SIGKILL to the process group, wait up to `timing.killGrace` again.
    ///
    /// Once the process itself has exited, whatever is left in its group
    /// (children the bot spawned and that ignored the signals) gets SIGKILL.
    /// Works the same for an adopted process. Cancelling the calling task
    /// cuts the waits short: the sequence then goes straight to SIGKILL.
    /// - Parameters:
    ///   - timing: the two grace periods.
    ///   - politely: the polite step; it is cancelled when `stopGrace` runs out.
    public func stop(timing: StopTiming, politely: (@Sendable () async -> Void)? = nil) async -> StopOutcome {
        let process = self
        if let exit = process.exit {
            process.signalGroup(SIGKILL)
            return .alreadyExited(exit.status)
        }
        if let politely, let exit = await process.exitLatch.wait(within: timing.stopGrace, while: politely) {
            process.signalGroup(SIGKILL)
            return .exitedWhenAsked(exit.status)
        }
        process.signalGroup(SIGTERM)
        if let exit = await process.waitForExit(within: timing.killGrace) {
            process.signalGroup(SIGKILL)
            return .exitedAfterTerminate(exit.status)
        }
        process.signalGroup(SIGKILL)
        if let exit = await process.waitForExit(within: timing.killGrace) {
            return .killed(exit.status)
        }
        return .survivedKill
    }
}
