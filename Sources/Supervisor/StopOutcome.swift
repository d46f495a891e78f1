public import FleetTypes

/// How a stop went: which step ended the process, and its status.
public enum StopOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The process had already exited when the stop began.
    case alreadyExited(TerminationStatus)
    /// It exited within `stop_grace` after the polite step (the channel's `shutdown`).
    case exitedWhenAsked(TerminationStatus)
    /// It exited within `kill_grace` after SIGTERM to its group.
    case exitedAfterTerminate(TerminationStatus)
    /// SIGKILL to its group ended it.
    case killed(TerminationStatus)
    /// It was still there after SIGKILL and another `kill_grace` (stuck in
    /// the kernel, e.g. uninterruptible I/O); its exit will still be reported.
    case survivedKill

    /// The exit status, when the process ended.
    public var status: TerminationStatus? {
        switch self {
        case .alreadyExited(let status), .exitedWhenAsked(let status),
            .exitedAfterTerminate(let status), .killed(let status):
            return status
        case .survivedKill:
            return nil
        }
    }

    /// e.g. `exited after SIGTERM (signal 15 (SIGTERM))`.
    public var description: String {
        switch self {
        case .alreadyExited(let status): return "had already exited (\(status))"
        case .exitedWhenAsked(let status): return "exited when asked (\(status))"
        case .exitedAfterTerminate(let status): return "exited after SIGTERM (\(status))"
        case .killed(let status): return "killed with SIGKILL (\(status))"
        case .survivedKill: return "still running after SIGKILL"
        }
    }
}

/// The waits of a stop (config `rollout.stop_grace` and `rollout.kill_grace`).
public struct StopTiming: Hashable, Sendable {
    /// How long the polite step may take before SIGTERM.
    public var stopGrace: Duration
    /// How long SIGTERM may take before SIGKILL (and SIGKILL before giving up).
    public var killGrace: Duration

    /// Creates the timing; the defaults are the config's (10 s, 5 s).
    public init(stopGrace: Duration = .seconds(10), killGrace: Duration = .seconds(5)) {
        self.stopGrace = stopGrace
        self.killGrace = killGrace
    }
}
