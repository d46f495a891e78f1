/// What a launch leaves behind for a restarted daemon: enough to recognise
/// the process later without mistaking a recycled pid for it.
///
/// Persist it (it is `Codable`) when the process is launched; hand it to
/// ``LocalProcessLauncher/isStillRunning(_:)`` and
/// ``LocalProcessLauncher/adopt(_:log:)`` after a restart.
public struct LaunchRecord: Codable, Hashable, Sendable {
    /// The process id.
    public var pid: Int32
    /// The process group id (equal to `pid`: each launch starts its own session).
    public var processGroup: Int32
    /// Field 22 of `/proc/<pid>/stat`: when the process started, in clock
    /// ticks since boot. Together with ``bootID`` it names the process uniquely.
    public var startTicks: UInt64
    /// `/proc/sys/kernel/random/boot_id` at launch: start ticks restart at zero after a reboot.
    public var bootID: String
    /// The client id, e.g. `shard-0.7`.
    public var clientID: String
    /// The full commit id the process runs.
    public var revision: String
    /// The log file the process writes to.
    public var logPath: String
    /// Wall-clock launch time, seconds since 1970 (for display only).
    public var launchedAt: Double
    /// Where the client runs when it is not a local process (a Swarm service's task): nil for a local process.
    /// ``pid`` is then the container's pid on its node, and ``startTicks`` 0.
    public var location: ClientLocation?

    /// Creates a record.
    public init(
        pid: Int32, processGroup: Int32, startTicks: UInt64, bootID: String,
        clientID: String, revision: String, logPath: String, launchedAt: Double, location: ClientLocation? = nil
    ) {
        self.pid = pid
        self.processGroup = processGroup
        self.startTicks = startTicks
        self.bootID = bootID
        self.clientID = clientID
        self.revision = revision
        self.logPath = logPath
        self.launchedAt = launchedAt
        self.location = location
    }
}
