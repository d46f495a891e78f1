public import FleetTypes
public import Foundation

/// The deployment engine: the gate, the fenced handover, the rollout, rollback, restarts and the queue, as one
/// value-type state machine.
///
/// Feed it events with the current time; perform the actions it returns, in order; call it with
/// ``DeployerEvent/tick`` when ``nextDeadline`` has come. It does no I/O, reads no clock and draws no
/// randomness of its own (keys come from the injected ``KeySource``), so every path runs in tests in
/// milliseconds.
///
/// ```swift
/// var engine = DeploymentEngine(settings: DeployerSettings(instances: 2))
/// var actions = engine.start(at: clock.now)
/// let step = engine.handle(.request(DeploymentRequest(ref: "main", trigger: .cli)), at: clock.now)
/// // step.reply: .accepted(deployment: 1)
/// // step.actions: [.recordDeployment(...), .audit(...), .prepareRelease(deployment: 1, ref: "main")]
/// actions = engine.handle(.releasePrepared(deployment: 1, result: .prepared(revision)), at: clock.now).actions
/// // actions: [..., .launch(LaunchOrder(client: shard-0.1, ...))]
/// ```
public struct DeploymentEngine: Sendable {
    /// The configuration it decides with.
    public let settings: DeployerSettings
    var keys: any KeySource
    /// Every instance's state, by index. Each write counts in ``instanceWrites``, in place (a `didSet` that does
    /// not read the old value keeps element writes in place).
    var instances: [InstanceState] { didSet { instanceWrites &+= 1 } }
    /// How many writes ``instances`` has had: ``progress()``'s test of whether a round changed an instance.
    private(set) var instanceWrites = 0
    /// The replacements of actives that stopped talking to the daemon, by instance, while one is wanted
    /// (``stepRepairs()``). Kept beside the instances, not in them: almost always empty, and the steps that walk
    /// every instance need not copy one.
    var repairs: [Int: Repair] = [:]
    var clients = ClientTable()
    var pacer: LaunchPacer
    var rollout: Rollout?
    var waiting: DeploymentRecord?
    var nextDeploymentID: Int
    var pendingSequence = 0
    /// Why the daemon halted; `nil` when it is not halted.
    public internal(set) var haltReason: String?
    /// Good tags, newest first.
    public internal(set) var goodTags: [GoodTag]
    /// Revisions marked bad, with why and when.
    public internal(set) var badRevisions: [Revision: BadRevision]
    var autoRollbacks: [Date] = []
    var recoveredDeployments: [DeploymentRecord] = []
    /// Connections the channel refused lately, newest last (bounded), for the reasons of failing gates.
    var refusals: [(at: Date, refusal: ConnectionRefusal)] = []
    /// The engine's clock: the time its deadlines (timeouts, bakes, watches, backoff, pacing, the anti-flap
    /// window) are measured on. The driver feeds it from a monotonic clock, so a step of the system clock never
    /// moves a deadline; only differences of it mean anything.
    var now: Date = .distantPast
    /// The wall-clock time of the step, for records and display only (audit entries, deployment times, bad marks,
    /// `since`); never compared with a deadline.
    var wallNow: Date = .distantPast
    var outbox: [DeployerAction] = []
    /// The answer of the step in progress; nil until the step decides one (then ``EngineReply/noted``).
    var reply: EngineReply?
    /// Where the gate's check of the current wave starts: the position in the wave of the instance that last
    /// held it up. Only where a scan starts, never what it finds (``stepRollout()``).
    var gateScanStart = 0

    /// Makes an engine, empty or from what the store recovered after a daemon restart.
    ///
    /// Call ``start(at:)`` once before the first event.
    public init(settings: DeployerSettings, keys: any KeySource = SystemKeySource(), recovered: RecoveredState = .init()) {
        self.settings = settings
        self.keys = keys
        self.pacer = LaunchPacer(maxConcurrency: settings.maxConcurrency, spacing: settings.identifySpacing)
        self.instances = (0..<max(0, settings.instances)).map {
            InstanceState(index: $0, epoch: recovered.epochs[$0] ?? 0, launches: recovered.launches[$0] ?? 0,
                          restarts: recovered.restarts[$0] ?? 0)
        }
        self.nextDeploymentID = recovered.lastDeploymentID + 1
        self.goodTags = recovered.goodTags
        self.badRevisions = recovered.badRevisions
        self.haltReason = recovered.haltReason
        self.recoveredDeployments = recovered.unfinishedDeployments
        adopt(recovered.clients)
    }

    /// Handles one event at time `now`: the engine's answer, and the actions to perform, in order.
    ///
    /// - Parameters:
    ///   - now: the engine's clock, monotonic (a ``MonotonicDeployerClock`` in a daemon; a manual clock in tests).
    ///   - wall: the wall-clock time for records and display; `now` when not given (tests, where both agree).
    public mutating func handle(_ event: DeployerEvent, at now: Date, wall: Date? = nil) -> EngineStep {
        reply = nil
        self.now = max(self.now, now)
        wallNow = wall ?? now
        switch event {
        case .request(let request): enqueue(request)
        case .releasePrepared(let deployment, let result): releasePrepared(deployment: deployment, result: result)
        case .launched(let id, let pid, let startTime): launched(id, pid: pid, startTime: startTime)
        case .launchFailed(let id, let message): launchFailed(id, message: message)
        case .connect(let id, let key): connect(id, key: key)
        case .unmanagedConnected(let id, let instance): unmanagedConnected(id, instance: instance)
        case .identified(let id): identified(id)
        case .ready(let id): ready(id)
        case .healthReport(let id, let report): healthReport(id, report)
        case .comaConfirmed(let id): comaConfirmed(id)
        case .shutdownAnnounced(let id, let reason): shutdownAnnounced(id, reason: reason)
        case .disconnected(let id): disconnected(id)
        case .exited(let id, let exit): exited(id, exit)
        case .tick: tickDeadlines()
        case .command(let command): operatorCommand(command)
        case .goodTagsChanged(let tags): goodTags = tags
        case .taggedGood(let tag): taggedGood(tag)
        case .connectionRefused(let refusal): connectionRefused(refusal)
        }
        progress()
        defer { reply = nil }
        return EngineStep(reply: reply ?? .noted, actions: takeActions())
    }

    /// The earliest time at which a ``DeployerEvent/tick`` has something to do; `nil` when nothing waits.
    /// Read in one pass over the instances, in place: the driver asks after every step (through the array's
    /// subscript, each instance's handover was copied out to read its deadline: a 200-shard rollout spent 2 % of the
    /// daemon's CPU there).
    public var nextDeadline: Date? {
        var deadline = clients.earliestDeadline
        var earliestPending: Date?
        instances.withUnsafeBufferPointer { instances in
            for instance in instances.indices {
                deadline = earlier(deadline, instances[instance].comaDeadline)
                earliestPending = earlier(earliestPending, instances[instance].launchDue)
            }
        }
        for repair in repairs.values where repair.record == nil && repair.notBefore > now {
            deadline = earlier(deadline, repair.notBefore)
        }
        if let earliestPending {
            deadline = earlier(deadline, max(earliestPending, pacer.nextSlot(after: max(now, earliestPending))))
        }
        switch rollout?.phase {
        case .baking(let until), .watching(let until): deadline = earlier(deadline, until)
        default: break
        }
        return deadline
    }

    /// The last good revision: the newest good tag that is not `revision` and not marked bad.
    ///
    /// A bad mark outweighs a good tag (one a person made on a bad revision, or an older good revision whose
    /// latest deployment failed): rollbacks pass over it until a deployment of it succeeds.
    public func lastGood(excluding revision: Revision? = nil) -> GoodTag? {
        rollbackTags(excluding: revision).first
    }

    /// The good tags a rollback may go to, newest first: those not on `revision` and not on a revision marked bad.
    func rollbackTags(excluding revision: Revision?) -> LazyFilterSequence<[GoodTag]> {
        goodTags.lazy.filter { $0.revision != revision && badRevisions[$0.revision] == nil }
    }

    /// Moves everything forward that can move without a new event: launches, the rollout's phases, the queue.
    mutating func progress() {
        var rounds = 0
        while rounds < 16 {
            rounds += 1
            let before = ProgressMark(of: self)
            launchPending()
            stepRollout()
            stepRepairs()
            startWaitingIfIdle()
            if before == ProgressMark(of: self) { return }
        }
    }

    mutating func emit(_ action: DeployerAction) {
        outbox.append(action)
    }

    /// Records an audit entry for the running deployment.
    mutating func audit(_ event: AuditEvent, instance: Int? = nil, client: ClientID? = nil) {
        emit(.audit(AuditEntry(deployment: rollout?.record.id, time: wallNow, event: event, instance: instance, client: client)))
    }

    private mutating func takeActions() -> [DeployerAction] {
        defer { outbox = [] }
        return outbox
    }
}
