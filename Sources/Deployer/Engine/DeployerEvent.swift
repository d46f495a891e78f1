public import FleetTypes

/// Something that happened, fed to ``DeploymentEngine/handle(_:at:)``.
public enum DeployerEvent: Hashable, Sendable {
    /// A deployment was asked for (CLI, push hook, webhook, poll, rollback command, or the engine itself).
    case request(DeploymentRequest)
    /// The release step of a ``DeployerAction/prepareRelease(deployment:ref:)`` ended.
    case releasePrepared(deployment: Int, result: ReleaseResult)
    /// The supervisor started the process of a ``DeployerAction/launch(_:)``.
    case launched(ClientID, pid: Int32, startTime: UInt64)
    /// The supervisor could not start the process.
    case launchFailed(ClientID, message: String)
    /// A socket presented credentials (CONNECT auth, or the fields of `identify`). Answered by
    /// ``DeployerAction/admit(_:)`` or ``DeployerAction/refuse(_:reason:)`` in the same call.
    case connect(ClientID, key: String)
    /// A client without launch credentials, admitted by the daemon under `allow_unmanaged` (loopback peers only),
    /// wants to serve `instance`: it becomes that instance's candidate, already connected, and is gated like any
    /// other. Answered by ``DeployerAction/admit(_:)``, or ``DeployerAction/refuse(_:reason:)`` when the instance
    /// does not exist, is busy with another candidate, or a deployment runs. The daemon answers a later ``DeployerAction/stop(_:)``
    /// of such a client with `exited` once its socket has closed (there is no process to signal).
    case unmanagedConnected(ClientID, instance: Int)
    /// An admitted client sent `identify`.
    case identified(ClientID)
    /// An admitted client sent `ready`.
    case ready(ClientID)
    /// An admitted client sent its `health_check` report.
    case healthReport(ClientID, HealthReport)
    /// An admitted client confirmed `coma`.
    case comaConfirmed(ClientID)
    /// An admitted client announced `shutdown` (asked or not).
    case shutdownAnnounced(ClientID, reason: String?)
    /// A client's socket closed.
    case disconnected(ClientID)
    /// A client's process exited, and how (``TerminationStatus/unknown`` when that cannot be known).
    case exited(ClientID, TerminationStatus)
    /// Time passed: deadlines up to now are acted on.
    case tick
    /// An operator command.
    case command(OperatorCommand)
    /// The good tags of the repository changed (a person tagged one); newest first.
    case goodTagsChanged([GoodTag])
    /// The good tag a ``DeployerAction/tagGood(_:deployment:)`` asked for was made, under this name.
    case taggedGood(GoodTag)
    /// The channel turned connections away (bad credentials, or shedding load); a gate that fails meanwhile
    /// names them, and one that fails while the channel was shedding does not mark its revision bad.
    case connectionRefused(ConnectionRefusal)
}

/// The outcome of the release step.
public enum ReleaseResult: Hashable, Sendable {
    /// The ref resolved to this revision, checked out and built.
    case prepared(Revision)
    /// Fetch, resolve, checkout or build failed; the message says which and why.
    case failed(String)
}

/// A request for a deployment.
public struct DeploymentRequest: Hashable, Sendable {
    /// The ref to deploy (commit id, branch, tag); `nil` for a rollback to the last good revision.
    public var ref: String?
    /// What asked.
    public var trigger: Trigger
    /// Who asked (user, pusher, delivery id).
    public var who: String
    /// Deploy even a revision marked bad.
    public var force: Bool
    /// All instances in one wave, without bake or watch (`rollback --immediate`).
    public var immediate: Bool
    /// Why it was asked, when the asker is the engine (a crash loop): the deployment's reason from the start.
    public var reason: String?

    /// Makes a request. The daemon resolves `ref` to a full commit id before it asks, so that the engine can tell
    /// a revision that already serves, runs or waits, and a bad one, before any record exists.
    public init(
        ref: String?, trigger: Trigger, who: String = "", force: Bool = false, immediate: Bool = false,
        reason: String? = nil
    ) {
        self.ref = ref
        self.trigger = trigger
        self.who = who
        self.force = force
        self.immediate = immediate
        self.reason = reason
    }
}
