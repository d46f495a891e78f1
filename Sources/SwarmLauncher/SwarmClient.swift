import DockerEngine
public import FleetTypes
public import Supervisor

/// One client running as a Swarm service (see ``SwarmLauncher``).
public final class SwarmClient: LaunchedClient {
    /// The launch record: ``LaunchRecord/location`` names the service, task, container and node.
    public let record: LaunchRecord
    let watcher: ServiceWatcher

    init(record: LaunchRecord, watcher: ServiceWatcher) {
        self.record = record
        self.watcher = watcher
    }

    /// The exit, once the container ended.
    public var exit: TerminationStatus? { watcher.exit.value }

    /// Stops the client and says how it ended:
    /// 1. `politely` (the channel's `cmd shutdown`), then up to `timing.stopGrace` for the exit;
    /// 2. the service is removed: the engine sends SIGTERM to the container and SIGKILL after `timing.killGrace`
    ///    (the service's stop grace period); up to twice `timing.killGrace` and half a minute more for the exit (a
    ///    loaded engine takes seconds to remove a container and report its death);
    /// then the secret is removed. A container that ended by SIGKILL is `killed`, any other end after the removal
    /// `exitedAfterTerminate`.
    public func stop(timing: StopTiming, politely: (@Sendable () async -> Void)?) async -> StopOutcome {
        if let status = watcher.exit.value { return .alreadyExited(status) }
        if let politely, let status = await watcher.exit.wait(within: timing.stopGrace, while: politely) {
            return .exitedWhenAsked(status)
        }
        try? await watcher.engine.removeService(watcher.service)
        guard let status = await watcher.exit.wait(within: timing.killGrace * 2 + .seconds(30)) else { return .survivedKill }
        return status == .signaled(signal: 9, coreDumped: false) ? .killed(status) : .exitedAfterTerminate(status)
    }

    /// Unknown: the container's usage is the engine's, on its node (nil).
    public func usage() async -> ProcessUsage? {
        nil
    }
}
