#if canImport(Glibc)
import Glibc
#endif
import CSupervisorShims
import Foundation

/// Runs bot processes on this machine.
///
/// Each process starts in its own session (pid = process group = session id)
/// with a clean environment, in its release folder, with stdin from
/// `/dev/null` and stdout and stderr appended to its log file. A pidfd
/// watched by one `epoll` thread reports its exit at once (and reaps it: no
/// zombies). The process does not die with the daemon: it keeps its log file
/// (no pipe to break) and gets no parent-death signal. A restarted daemon
/// finds it again from its ``LaunchRecord`` (``isStillRunning(_:)``,
/// ``adopt(_:log:)``). A daemon that wants its bots gone when it stops
/// stops them itself, and launches them with ``LaunchRequest/diesWithDaemon``:
/// such a child is forked on one thread that lives as long as the process
/// (`PR_SET_PDEATHSIG` fires when the spawning *thread* ends, and Swift's
/// pooled threads come and go), so it gets SIGTERM when the daemon dies,
/// even by SIGKILL. An adopted process has no such signal.
///
/// Keep one launcher for the daemon's lifetime: when it is released, its
/// ``exits`` stream finishes.
///
/// ```swift
/// let launcher = LocalProcessLauncher()
/// let environment = try LaunchEnvironment(
///     inherited: ProcessInfo.processInfo.environment,
///     forbiddenNames: ["DISCORD_TOKEN"], secrets: [token]
/// ).make(configured: configuration.bot.environment, identity: ClientIdentity(
///     url: "http://127.0.0.1:8080", clientID: "shard-0.7", key: key,
///     shard: 0, shardCount: 4, revision: sha))
/// let process = try await launcher.launch(LaunchRequest(
///     command: ["python3", "bot.py"], workingDirectory: "\(state)/releases/\(sha)",
///     environment: environment, clientID: "shard-0.7", revision: sha,
///     log: LogPolicy(path: "\(state)/logs/0/shard-0.7.log")))
/// try launchRecords.save(process.record)      // for the next daemon
///
/// // elsewhere, the single consumer of exits:
/// for await exit in launcher.exits {
///     try await driver.submit(.exited(ClientID(rawValue: exit.record.clientID), exit.status))
/// }
///
/// // a stop: shutdown over the channel, then SIGTERM, then SIGKILL
/// let outcome = await process.stop(timing: StopTiming(stopGrace: .seconds(10), killGrace: .seconds(5))) {
///     channel.send(.shutdown(reason: "rollout"), to: ClientID(rawValue: "shard-0.7"))
/// }
/// ```
public final class LocalProcessLauncher: ProcessLauncher {
    /// Every exit of a process launched or adopted here, once. One consumer.
    public let exits: AsyncStream<ProcessExit>
    private let exitContinuation: AsyncStream<ProcessExit>.Continuation
    private let monitor = ProcessMonitor.shared
    private let bootID = ProcessStat.bootID()

    /// Where the small log relay program (`urban-robot-log-relay`) is looked for, beside the running executable,
    /// when it is not installed there; nil when it is. Without it each launch starts the running executable as its
    /// log relay: it works the same, at tens of milliseconds of CPU per launch instead of about one.
    public static var missingLogRelay: String? { RelayProgram.missingProgram }

    /// The soft open-files limit from which a process's `/proc/<pid>/statm` stays open between its ``LaunchedProcess/usage()``
    /// reads (``LaunchedProcess/usageFileLimitFloor``).
    let usageFileLimitFloor: UInt64

    /// Creates a launcher; its processes hold their `/proc/<pid>/statm` open for ``LaunchedProcess/usage()`` when
    /// the soft open-files limit is at least `usageFileLimitFloor`.
    public init(usageFileLimitFloor: UInt64 = LaunchedProcess.roomyOpenFilesLimit) {
        self.usageFileLimitFloor = usageFileLimitFloor
        (exits, exitContinuation) = AsyncStream.makeStream(of: ProcessExit.self)
    }

    deinit {
        exitContinuation.finish()
    }

    /// Starts a process and returns at once.
    ///
    /// The log gets a header line first: time, client id, revision, argv
    /// (never the environment).
    /// - Throws: ``SupervisorError`` (`invalidCommand`, `logFailed`, `spawnFailed`).
    public func launch(_ request: LaunchRequest) async throws(SupervisorError) -> LaunchedProcess {
        try await launch(request, reportingExit: true)
    }

    /// ``launch(_:)``, with the exit reported on ``exits`` or not. Starting a process blocks its thread while the
    /// process and its log's redacting relay start (milliseconds, tens of them on a loaded machine, for every
    /// launch of a rollout): the work runs on a thread of its own (``DedicatedThreads/spawning``), one start at a
    /// time, never on a thread that Swift's cooperative pool, and with it the daemon's channel and admin API, uses.
    func launch(_ request: LaunchRequest, reportingExit: Bool) async throws(SupervisorError) -> LaunchedProcess {
        let started = await DedicatedThreads.spawning.run {
            Result { () throws(SupervisorError) in try self.spawn(request, reportingExit: reportingExit) }
        }
        return try started.get()
    }

    /// ``launch(_:)`` on the calling thread, which it blocks while the process and its log's relay start.
    public func spawn(_ request: LaunchRequest) throws(SupervisorError) -> LaunchedProcess {
        try spawn(request, reportingExit: true)
    }

    func spawn(_ request: LaunchRequest, reportingExit: Bool) throws(SupervisorError) -> LaunchedProcess {
        guard let name = request.command.first, !name.isEmpty else {
            throw SupervisorError(.invalidCommand, "the command is empty; set bot.command (or bot.build) to an argv such as [\"python3\", \"bot.py\"]")
        }
        let path = try Spawner.resolve(
            name, searchPath: request.environment["PATH"] ?? LaunchEnvironment.defaultPath,
            workingDirectory: request.workingDirectory)
        let launchedAt = Date()
        let header = LaunchLogHeader.line(for: request, at: launchedAt)
        let log = LogFile(policy: request.log, launchHeader: header)
        let logFD = try log.open(header: header)
        defer { close(logFD) }
        let outputFD = try log.output(into: logFD)
        defer { if outputFD != logFD { close(outputFD) } }

        let pid: Int32
        do {
            pid = try Spawner.spawn(
                path: path, arguments: request.command, environment: request.environment,
                workingDirectory: request.workingDirectory, outputFD: outputFD,
                diesWithDaemon: request.diesWithDaemon)
        } catch {
            throw SupervisorError(
                .spawnFailed,
                "cannot start \(request.command) in \(request.workingDirectory) for \(request.clientID); "
                    + "check that the release folder exists and the command runs there", cause: error)
        }
        let pidfd = csup_pidfd_open(pid)
        guard pidfd >= 0 else {
            let error = SystemCallError("pidfd_open", errno: errno)
            kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
            throw SupervisorError(.spawnFailed, "cannot watch process \(pid) of \(request.clientID); Linux 5.4+ is required", cause: error)
        }
        // The child is not reaped before its pidfd says so, so /proc/<pid> exists.
        let startTicks = ProcessStat.read(pid: pid)?.startTicks ?? 0
        let record = LaunchRecord(
            pid: pid, processGroup: pid, startTicks: startTicks, bootID: bootID,
            clientID: request.clientID, revision: request.revision, logPath: request.log.path,
            launchedAt: launchedAt.timeIntervalSince1970)
        let process = LaunchedProcess(record: record, pidfd: pidfd, isChild: true, usageFileLimitFloor: usageFileLimitFloor)
        try watch(process, log: log, reportingExit: reportingExit)
        return process
    }

    /// Registers the exit handler and the log rotation job.
    func watch(_ process: LaunchedProcess, log: LogFile?, reportingExit: Bool) throws(SupervisorError) {
        let monitor = self.monitor
        let rotation = log.map { log in
            let rotation = LogRotation(log)
            return monitor.addPeriodic { rotation.tick() }
        }
        let continuation = exitContinuation
        let pidfd = process.pidfdForMonitor
        do {
            try monitor.watch(pidfd: pidfd) {
                if let rotation { monitor.removePeriodic(rotation) }
                let exit = process.observeExit()
                if reportingExit { continuation.yield(exit) }
            }
        } catch {
            if let rotation { monitor.removePeriodic(rotation) }
            throw SupervisorError(.spawnFailed, "cannot watch process \(process.pid) for its exit", cause: error)
        }
    }
}
