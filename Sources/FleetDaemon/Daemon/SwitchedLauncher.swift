import FleetConfiguration
import Supervisor

/// The launcher of a daemon started with another `[launcher] kind` than the one that launched bots still running
/// (the key was changed between two runs): new clients are launched by the configured launcher, and each running
/// client is adopted by a launcher of the kind that launched it (a launch record with a location is a Swarm
/// service's, one without a local process's), so it keeps serving until a deployment hands its instance over to a
/// client of the configured kind, through the usual gate and handover. The exits of both are reported on one
/// stream; releases are prepared by the configured launcher, and retained by both (the images of the swarm
/// launcher's earlier revisions are removed as their releases are).
final class SwitchedLauncher: ProcessLauncher {
    /// The launcher of `[launcher] kind`.
    let current: any ProcessLauncher
    /// Its kind.
    let currentKind: LauncherKind
    /// A launcher of the other kind, for the clients it launched before the switch.
    let previous: any ProcessLauncher
    /// The exits of both launchers' clients, as they come.
    let exits: AsyncStream<ProcessExit>
    private let forwarding: [Task<Void, Never>]

    /// A launcher launching with `current` (of `currentKind`) and adopting the other kind's clients with `previous`.
    init(current: any ProcessLauncher, currentKind: LauncherKind, previous: any ProcessLauncher) {
        self.current = current
        self.currentKind = currentKind
        self.previous = previous
        let (exits, continuation) = AsyncStream.makeStream(of: ProcessExit.self)
        self.exits = exits
        forwarding = [current.exits, previous.exits].map { source in
            Task { for await exit in source { continuation.yield(exit) } }
        }
    }

    deinit {
        for task in forwarding { task.cancel() }
    }

    /// The kind of launcher that made `record`.
    static func kind(of record: LaunchRecord) -> LauncherKind {
        record.location == nil ? .local : .swarm
    }

    /// Launches with the configured launcher.
    func launch(_ request: LaunchRequest) async throws(SupervisorError) -> SwitchedClient {
        SwitchedClient(try await current.launch(request))
    }

    /// Adopts with the launcher of the record's kind.
    func adopt(_ record: LaunchRecord, log: LogPolicy?) async throws(SupervisorError) -> SwitchedClient? {
        let launcher = Self.kind(of: record) == currentKind ? current : previous
        return try await launcher.adopt(record, log: log).map(SwitchedClient.init)
    }

    /// Prepares with the configured launcher.
    func prepareRelease(_ request: BuildRequest) async throws(SupervisorError) -> BuildResult? {
        try await current.prepareRelease(request)
    }

    /// Retains with both launchers.
    func retainReleases(keeping revisions: Set<String>) async {
        await current.retainReleases(keeping: revisions)
        await previous.retainReleases(keeping: revisions)
    }
}

/// A client of a ``SwitchedLauncher``: the one its launcher launched or adopted, which it stands for.
final class SwitchedClient: LaunchedClient {
    /// The client of the launcher that launched or adopted it.
    let base: any LaunchedClient

    init(_ base: any LaunchedClient) {
        self.base = base
    }

    /// The base client's record.
    var record: LaunchRecord { base.record }

    /// The base client's stop.
    func stop(timing: StopTiming, politely: (@Sendable () async -> Void)?) async -> StopOutcome {
        await base.stop(timing: timing, politely: politely)
    }

    /// The base client's usage.
    func usage() async -> ProcessUsage? {
        await base.usage()
    }
}
