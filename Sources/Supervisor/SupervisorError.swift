#if canImport(Glibc)
import Glibc
#endif

/// A failure of the Supervisor: what failed, with what input, and what to do.
///
/// Messages never contain a secret: an environment value that carries one is
/// named by its key only.
public struct SupervisorError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure, stable for callers to switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, e.g. `spawnFailed`.
        public let rawValue: String

        /// The command is empty or its executable was not found or is not executable.
        public static let invalidCommand = Code(rawValue: "invalidCommand")
        /// The environment for the child is refused (a secret, a reserved or malformed key).
        public static let invalidEnvironment = Code(rawValue: "invalidEnvironment")
        /// The log file or its folder could not be created or written.
        public static let logFailed = Code(rawValue: "logFailed")
        /// posix_spawn or pidfd_open failed.
        public static let spawnFailed = Code(rawValue: "spawnFailed")
        /// The build command exited with a failure.
        public static let buildFailed = Code(rawValue: "buildFailed")
        /// The build command did not finish within its timeout and was stopped.
        public static let buildTimedOut = Code(rawValue: "buildTimedOut")

        /// The code's name.
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What failed, with what input, and what to do.
    public var message: String
    /// The underlying failure, when there is one.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// `code: message (cause)`.
    public var description: String {
        if let cause { return "\(code): \(message) (\(cause))" }
        return "\(code): \(message)"
    }
}

/// A failed system call and its `errno`.
public struct SystemCallError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The call that failed, e.g. `posix_spawn`.
    public var call: String
    /// The `errno` value.
    public var errno: Int32

    /// Creates the error for `call` with the error number `errno`.
    public init(_ call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// `call: strerror(errno)`; for `EMFILE`, with this process's open-files limit and where to raise it.
    public var description: String {
        let text = "\(call): \(String(cString: strerror(errno))) (errno \(errno))"
        guard errno == EMFILE, let limit = OpenFilesLimit.current() else { return text }
        return text + "; the daemon's open-files limit is \(limit): raise it (systemd: LimitNOFILE=, a shell: ulimit -n)"
    }
}
