/// Where a process's output goes and how large it may grow.
public struct LogPolicy: Hashable, Sendable {
    /// The live log, e.g. `<state>/logs/<instance>/<client id>.log`. Its folder is created.
    public var path: String
    /// The size past which the live log is rotated (checked about once a second).
    public var maxBytes: Int
    /// How many rotated files to keep: `<path>.1` (newest) ... `<path>.<n>`.
    /// 0 truncates without keeping the old output.
    public var keptRotations: Int

    /// Creates a policy; the defaults keep at most about 30 MB per launch.
    public init(path: String, maxBytes: Int = 10 << 20, keptRotations: Int = 2) {
        self.path = path
        self.maxBytes = maxBytes
        self.keptRotations = keptRotations
    }
}
