/// Where a process's output goes and how large it may grow.
public struct LogPolicy: Hashable, Sendable {
    /// The live log, e.g. `<state>/logs/<instance>/<client id>.log`. Its folder is created.
    public var path: String
    /// The size past which the live log is rotated (looked at every 1 to 4 s: ``RotationSchedule``).
    public var maxBytes: Int
    /// How many rotated files to keep: `<path>.1` (newest) ... `<path>.<n>`.
    /// 0 truncates without keeping the old output.
    public var keptRotations: Int
    /// Strings the process's output must never bring to the file (the Discord token, its key): each is written as
    /// `<redacted>`. Empty strings are ignored. With none, the process writes the file itself; with some, through
    /// the redacting relay (``LogFile``).
    public var redacting: [String]

    /// Creates a policy; the defaults keep at most about 30 MB per launch.
    public init(path: String, maxBytes: Int = 10 << 20, keptRotations: Int = 2, redacting: [String] = []) {
        self.path = path
        self.maxBytes = maxBytes
        self.keptRotations = keptRotations
        self.redacting = redacting
    }
}
