public import FleetTypes

/// Why a client failed its gate or its watch, named as in PROTOCOL.md.
public enum FailureReason: Hashable, Sendable, CustomStringConvertible {
    /// The report was not OK and a vital cog was missing or false.
    case vitalCogFailure(cogs: [String])
    /// The report was not OK and its percent was below the policy's minimum.
    case healthCheckFailure(percent: Double)
    /// The client did not connect with valid credentials and identify within `identify_timeout` of its launch.
    case identifyTimeout
    /// The client did not send `ready` within `ready_timeout` of its `hello`.
    case readyTimeout
    /// The client did not answer `cmd health_check` within `check_timeout`.
    case healthCheckTimeout
    /// The process exited.
    case exited(TerminationStatus)
    /// The client disconnected and did not come back within `reconnect_grace`.
    case disconnected
    /// The client presented wrong credentials.
    case unauthorized
    /// The client announced `shutdown` without being asked to.
    case unaskedShutdown(reason: String?)
    /// The process could not be started.
    case launchFailed(message: String)

    /// The reason's stable name: `vital_cog_failure`, `health_check_failure`, `identify_timeout`, `ready_timeout`,
    /// `health_check_timeout`, `exited`, `disconnected`, `unauthorized`, `unasked_shutdown`, `launch_failed`.
    public var code: String {
        switch self {
        case .vitalCogFailure: "vital_cog_failure"
        case .healthCheckFailure: "health_check_failure"
        case .identifyTimeout: "identify_timeout"
        case .readyTimeout: "ready_timeout"
        case .healthCheckTimeout: "health_check_timeout"
        case .exited: "exited"
        case .disconnected: "disconnected"
        case .unauthorized: "unauthorized"
        case .unaskedShutdown: "unasked_shutdown"
        case .launchFailed: "launch_failed"
        }
    }

    /// The code with its particulars, e.g. `exited (status 1)` or `vital_cog_failure (music)`.
    public var description: String {
        switch self {
        case .vitalCogFailure(let cogs): "\(code) (\(cogs.joined(separator: ", ")))"
        case .healthCheckFailure(let percent): "\(code) (\(percent)%)"
        case .exited(let exit): "\(code) (\(exit))"
        case .unaskedShutdown(let reason): reason.map { "\(code) (\($0))" } ?? code
        case .launchFailed(let message): "\(code) (\(message))"
        default: code
        }
    }
}
