/// Starts, stops and watches bot processes: the seam between the deployment
/// engine and whatever runs the bots. ``LocalProcessLauncher`` runs them on
/// this machine; another implementation could drive systemd units on
/// several hosts, Kubernetes or Nomad, while the engine keeps the gate, the
/// rollout and the history.
public protocol ProcessLauncher: Sendable {
    /// A launched process.
    associatedtype Process: Sendable

    /// Every exit of a process launched or adopted by this launcher, once.
    /// One consumer.
    var exits: AsyncStream<ProcessExit> { get }

    /// Starts a process.
    func launch(_ request: LaunchRequest) async throws(SupervisorError) -> Process

    /// Stops a process: the polite step, `stopGrace`, SIGTERM, `killGrace`, SIGKILL.
    func stop(
        _ process: Process, timing: StopTiming, politely: (@Sendable () async -> Void)?
    ) async -> StopOutcome

    /// Waits until the process has exited.
    func waitForExit(_ process: Process) async throws -> ProcessExit

    /// Takes over a process launched by an earlier daemon, when it still runs.
    func adopt(_ record: LaunchRecord, log: LogPolicy?) async throws(SupervisorError) -> Process?
}
