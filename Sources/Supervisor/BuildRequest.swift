/// One build: what to run, where, with what, and for how long.
public struct BuildRequest: Hashable, Sendable {
    /// The config's `bot.build` argv.
    public var command: [String]
    /// The release folder (the working directory, and where the marker goes).
    public var releaseDirectory: String
    /// The environment (``LaunchEnvironment/make(configured:identity:)`` with no identity).
    public var environment: [String: String]
    /// The full commit id (for the log header and messages).
    public var revision: String
    /// The build log, e.g. `<state>/logs/build/<sha>.log`.
    public var logPath: String
    /// How long the build may run.
    public var timeout: Duration
    /// SIGTERM to SIGKILL when the timeout has passed.
    public var killGrace: Duration
    /// The build log's cap.
    public var maxLogBytes: Int

    /// Creates a build request.
    public init(
        command: [String], releaseDirectory: String, environment: [String: String], revision: String,
        logPath: String, timeout: Duration, killGrace: Duration = .seconds(5), maxLogBytes: Int = 10 << 20
    ) {
        self.command = command
        self.releaseDirectory = releaseDirectory
        self.environment = environment
        self.revision = revision
        self.logPath = logPath
        self.timeout = timeout
        self.killGrace = killGrace
        self.maxLogBytes = maxLogBytes
    }
}

/// What ``ReleaseBuilder/build(_:)`` did.
public enum BuildResult: Hashable, Sendable {
    /// The build ran and succeeded; the marker is written.
    case built
    /// The marker says this release was built with this command already.
    case alreadyBuilt
}
