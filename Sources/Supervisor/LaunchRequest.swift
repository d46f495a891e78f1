/// Everything needed to start one process.
public struct LaunchRequest: Hashable, Sendable {
    /// argv: the executable (a name looked up in the child's `PATH`, or a
    /// path, relative ones taken from ``workingDirectory``) and its arguments.
    public var command: [String]
    /// The working directory: the release folder.
    public var workingDirectory: String
    /// The complete environment (build it with ``LaunchEnvironment``).
    public var environment: [String: String]
    /// The client id, e.g. `shard-0.7` (recorded, and written in the log header).
    public var clientID: String
    /// The full commit id (recorded, and written in the log header).
    public var revision: String
    /// The log file and its cap.
    public var log: LogPolicy
    /// Whether the process gets SIGTERM when the launching process dies, even abruptly (`PR_SET_PDEATHSIG`,
    /// armed before exec; `[bot] stop_with_daemon`). False: it outlives the daemon.
    public var diesWithDaemon: Bool

    /// Creates a request.
    public init(
        command: [String], workingDirectory: String, environment: [String: String],
        clientID: String, revision: String, log: LogPolicy, diesWithDaemon: Bool = false
    ) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.clientID = clientID
        self.revision = revision
        self.log = log
        self.diesWithDaemon = diesWithDaemon
    }
}
