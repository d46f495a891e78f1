#if canImport(Glibc)
import Glibc
#endif
import CSupervisorShims

extension LocalProcessLauncher {
    /// True when the recorded process still runs: the pid exists, is not a
    /// zombie, and has the recorded start time on the recorded boot. A pid
    /// recycled by another process has another start time, so it is not
    /// mistaken for ours.
    public static func isStillRunning(_ record: LaunchRecord) -> Bool {
        guard record.bootID == ProcessStat.bootID(), let stat = ProcessStat.read(pid: record.pid) else { return false }
        return stat.startTicks == record.startTicks && stat.state != "Z"
    }

    /// Takes over a process launched by an earlier daemon (or another
    /// launcher), when it still runs.
    ///
    /// The process is pinned with a pidfd and checked again, so a pid that
    /// is recycled meanwhile is never adopted. Its exit is reported on
    /// ``exits`` with ``TerminationStatus/unknown`` (it is no longer our child), and
    /// ``LaunchedProcess/stop(timing:politely:)`` works on it as on any other.
    /// - Parameters:
    ///   - record: the record persisted at launch.
    ///   - log: the log policy to keep rotating its log with; nil to leave the log alone.
    /// - Returns: the process, or nil when it is gone.
    /// - Throws: ``SupervisorError`` with code `spawnFailed` when it cannot be watched.
    public func adopt(_ record: LaunchRecord, log: LogPolicy? = nil) throws(SupervisorError) -> LaunchedProcess? {
        guard Self.isStillRunning(record) else { return nil }
        let pidfd = csup_pidfd_open(record.pid)
        guard pidfd >= 0 else {
            if errno == ESRCH { return nil }
            throw SupervisorError(
                .spawnFailed, "cannot watch adopted process \(record.pid) (\(record.clientID))",
                cause: SystemCallError("pidfd_open", errno: errno))
        }
        guard Self.isStillRunning(record) else {
            close(pidfd)
            return nil
        }
        let process = LaunchedProcess(record: record, pidfd: pidfd, isChild: false, usageFileLimitFloor: usageFileLimitFloor)
        let logFile = log.map { LogFile(policy: $0, launchHeader: LaunchLogHeader.foundLine(of: $0.path)) }
        try watch(process, log: logFile, reportingExit: true)
        return process
    }
}
