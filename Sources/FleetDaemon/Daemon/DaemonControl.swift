public import AdminAPI
public import Deployer
public import FleetTypes

/// What the admin API, the GitHub webhook and the poller ask of a running daemon.
///
/// The daemon implements it over its ``DeployerDriver``, store and state folder; the
/// operator-facing parts depend only on this protocol.
public protocol DaemonControl: Sendable {
    /// The `status --json` snapshot.
    func status() async -> StatusSnapshot

    /// Deployments, newest first, at most `limit`.
    func history(limit: Int) async throws -> [HistoryEntry]

    /// One deployment, or nil when there is none with this id.
    func deployment(id: Int) async throws -> HistoryEntry?

    /// Queues a deployment and returns its id.
    ///
    /// - Throws: ``DaemonControlError`` with code `.refused` when the engine refuses it
    ///   (a bad revision from an automatic trigger, halted), with the engine's reason.
    func requestDeployment(_ request: DeploymentRequest) async throws -> Int

    /// Performs an operator command (`abort`, `promote`, `resume`).
    ///
    /// - Throws: ``DaemonControlError`` with code `.refused` when it does not apply now.
    func perform(_ command: OperatorCommand) async throws

    /// The progress events of deployment `id` so far, then, when `follow` is true, each new one
    /// as it happens until the deployment is terminal (the last event has kind `finished`).
    func progress(deployment id: Int, follow: Bool) async throws -> ProgressFeed

    /// The newest `limit` events outside any deployment (adoptions, restarts, crash loops, repairs, refusals), newest
    /// first; with `routine`, the periodic health checks passed and the engine's `action.*` records too.
    func recentEvents(limit: Int, routine: Bool) async throws -> [ProgressEvent]

    /// The log file of instance `instance`: of `client` when given, else of its active client.
    ///
    /// - Throws: ``DaemonControlError`` with code `.notFound` when there is no such instance or client.
    func logFile(instance: Int, client: String?) async throws -> String

    /// Fetches the source and returns the full commit id of the configured branch's tip (for `source.poll`).
    func fetchBranchTip() async throws -> String

    /// Whether commit `revision` descends from commit `ancestor` in the mirror (a commit is not its own
    /// descendant); fetch first to know new commits.
    ///
    /// - Throws: when either does not resolve in the mirror.
    func isDescendant(_ revision: String, of ancestor: String) async throws -> Bool
}
