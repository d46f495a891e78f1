import CSupervisorShims
#if canImport(Glibc)
import Glibc
#endif

/// A limit on open descriptors (`RLIMIT_NOFILE`): what `ulimit -n` and systemd's `LimitNOFILE=` set.
public struct OpenFilesLimit: Equatable, Sendable, CustomStringConvertible {
    /// The limit the process runs under, which it may raise up to ``hard``.
    public var soft: UInt64
    /// The ceiling of ``soft``.
    public var hard: UInt64

    /// A limit from its parts.
    public init(soft: UInt64, hard: UInt64) {
        self.soft = soft
        self.hard = hard
    }

    /// `1024 (hard 524288)`.
    public var description: String { "\(soft) (hard \(hard))" }

    /// This process's limit now; nil when it cannot be read.
    public static func current() -> OpenFilesLimit? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return OpenFilesLimit(soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max))
    }

    /// Raises this process's soft limit to its hard limit, and returns the limit found before. Every process the
    /// Supervisor spawns afterwards (bots, log relays, builds) gets the soft limit found back before its exec, so
    /// that a bot runs under the limit it would have had without the daemon; only the `posix_spawn` fallback,
    /// which runs where the lean spawn cannot (a kernel before 5.9), leaves its child the raised one. Call it once,
    /// before the first spawn.
    /// - Throws: ``SystemCallError`` when the limit cannot be read or raised.
    public static func raiseToHard() throws(SystemCallError) -> OpenFilesLimit {
        var soft: UInt64 = 0
        var hard: UInt64 = 0
        let code = csup_raise_open_files_limit(&soft, &hard)
        guard code == 0 else { throw SystemCallError("setrlimit(RLIMIT_NOFILE)", errno: code) }
        return OpenFilesLimit(soft: soft, hard: hard)
    }
}
