#if canImport(Glibc)
import Glibc
#endif

/// How a process ended.
public enum TerminationStatus: Hashable, Sendable, CustomStringConvertible {
    /// It called `exit` with this code.
    case exited(code: Int32)
    /// A signal ended it.
    case signaled(signal: Int32, coreDumped: Bool)
    /// It ended, but it was not our child (an adopted process), so the kernel
    /// gave its status to its new parent and we cannot know it.
    case unknown

    /// True for `exit(0)`.
    public var isSuccess: Bool { self == .exited(code: 0) }

    /// `exit code 3`, `signal 9 (SIGKILL)`, `status unknown`.
    public var description: String {
        switch self {
        case .exited(let code):
            return "exit code \(code)"
        case .signaled(let signal, let coreDumped):
            let name = TerminationStatus.signalNames[signal].map { " (\($0))" } ?? ""
            return "signal \(signal)\(name)\(coreDumped ? ", core dumped" : "")"
        case .unknown:
            return "status unknown (not our child)"
        }
    }

    private static let signalNames: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL",
        SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL",
        SIGUSR1: "SIGUSR1", SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE",
        SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
    ]
}
