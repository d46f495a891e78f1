/// Starts and adopts bot clients and reports their exits: the seam between the daemon and whatever runs the
/// bots. ``LocalProcessLauncher`` runs them as processes on this machine; another implementation (services of a
/// container orchestrator, units on other hosts) plugs in here while the engine keeps the gate, the rollout and
/// the history, and the daemon keeps its logic.
///
/// The daemon holds one launcher as `any ProcessLauncher` for its lifetime:
///
/// ```swift
/// let launcher: any ProcessLauncher = LocalProcessLauncher()
/// let client = try await launcher.launch(request)    // any LaunchedClient
/// try launchRecords.save(client.record)               // for the next daemon's adopt(_:log:)
///
/// // elsewhere, the single consumer of exits:
/// for await exit in launcher.exits {
///     try await driver.submit(.exited(ClientID(rawValue: exit.record.clientID), exit.status))
/// }
///
/// // a stop: the polite step (`cmd shutdown` over the channel), then the launcher's own escalation
/// let outcome = await client.stop(timing: StopTiming(stopGrace: .seconds(10), killGrace: .seconds(5))) {
///     channel.send(.shutdown(reason: "rollout"), to: ClientID(rawValue: "shard-0.7"))
/// }
/// ```
public protocol ProcessLauncher: Sendable {
    /// What a launch or an adoption returns.
    associatedtype Client: LaunchedClient

    /// Every exit of a client launched or adopted by this launcher, once, as it is seen. One consumer.
    var exits: AsyncStream<ProcessExit> { get }

    /// Starts a client and returns once it runs (its exit is reported on ``exits``).
    /// - Throws: ``SupervisorError`` naming the client and what could not be done.
    func launch(_ request: LaunchRequest) async throws(SupervisorError) -> Client

    /// Takes over a client launched by an earlier daemon, when it still runs; nil when it is gone.
    /// - Parameters:
    ///   - record: the record of its launch, as ``LaunchedClient/record`` gave it then.
    ///   - log: the log policy to keep its log with; nil to leave the log alone.
    func adopt(_ record: LaunchRecord, log: LogPolicy?) async throws(SupervisorError) -> Client?

    /// Makes a checked-out release ready to launch (the swarm launcher builds the revision's image from it, running
    /// `bot.build` in the build); nil when this launcher runs release folders as they are, and the daemon runs
    /// `bot.build` in the folder itself (``ReleaseBuilder``).
    /// - Throws: ``SupervisorError`` with code `buildFailed` or `buildTimedOut`, ending with the build log's tail.
    func prepareRelease(_ request: BuildRequest) async throws(SupervisorError) -> BuildResult?

    /// Drops what this launcher keeps per release beside its folder (the swarm launcher's images) for every revision
    /// not in `revisions` (the releases retention kept, and those running clients run).
    func retainReleases(keeping revisions: Set<String>) async
}

extension ProcessLauncher {
    /// Nothing: the release folder runs as it is.
    public func prepareRelease(_ request: BuildRequest) async throws(SupervisorError) -> BuildResult? {
        nil
    }

    /// Nothing is kept beside the release folders.
    public func retainReleases(keeping revisions: Set<String>) async {}
}

/// One client a ``ProcessLauncher`` launched or adopted.
public protocol LaunchedClient: AnyObject, Sendable {
    /// The launch record (persist it to adopt the client after a daemon restart).
    var record: LaunchRecord { get }

    /// Stops the client and says how it ended: `politely` (e.g. the channel's `shutdown`) with up to
    /// `timing.stopGrace` for the exit, then the launcher's own escalation within `timing.killGrace` per step.
    func stop(timing: StopTiming, politely: (@Sendable () async -> Void)?) async -> StopOutcome

    /// What the client uses now (resident memory, CPU time); nil when it is unknown or the client is gone.
    func usage() async -> ProcessUsage?
}
