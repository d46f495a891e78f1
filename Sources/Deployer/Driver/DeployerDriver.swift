import Foundation
public import ServiceLifecycle

/// The single owner of the engine in a daemon: feeds it events, stores each step, performs its actions, and
/// ticks it at its deadlines. A `Service`: its ``run()`` ends on graceful shutdown, leaving the bots running.
///
/// ```swift
/// let store = try DeployerStore(path: stateDir + "/state.sqlite")
/// let engine = DeploymentEngine(settings: settings, recovered: try store.recover(goodTags: await git.goodTags()))
/// let driver = DeployerDriver(engine: engine, store: store, effects: daemonEffects)
/// try await driver.start()
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { try await driver.run() }          // deadlines (or hand `driver` to a ServiceGroup)
///     // channel handlers:   let actions = try await driver.submit(.connect(id, key: key))
///     //                     actions.contains(.admit(id)) ? accept : CONNECT_ERROR "unauthorized"
///     // supervisor:         try await driver.submit(.exited(id, exit.status))
///     // admin API / hooks:  try await driver.submit(.request(DeploymentRequest(ref: rev, trigger: .push)))
/// }
/// ```
public actor DeployerDriver: Service {
    var engine: DeploymentEngine
    let store: DeployerStore
    let effects: any DeployerEffects
    let clock: any DeployerClock
    /// The longest the run loop sleeps before looking at the deadlines again (new events may bring them closer).
    private let resolution: Duration
    /// Set while the state store fails: the engine's time stands still and fact events wait here.
    var outage: PausedEngine?
    /// How long the engine's time stood still in past outages: engine time is the clock's minus this.
    var pausedFor: TimeInterval = 0
    /// How often a failing store is tried again.
    static let storeRetryInterval = Duration.seconds(1)

    /// Makes a driver around an engine (fresh or recovered from `store`).
    public init(
        engine: DeploymentEngine, store: DeployerStore, effects: any DeployerEffects,
        clock: any DeployerClock = MonotonicDeployerClock(), resolution: Duration = .milliseconds(100)
    ) {
        self.engine = engine
        self.store = store
        self.effects = effects
        self.clock = clock
        self.resolution = resolution
    }

    /// Starts the engine (re-admission deadlines, the fate of an interrupted deployment) and performs the result.
    /// Throws when the step cannot be stored: a daemon does not start on a store it cannot write.
    public func start() throws {
        let (now, wall) = (engineNow, clock.wallNow)
        let before = engine
        let actions = engine.start(at: now, wall: wall)
        do {
            try store.record(actions, snapshot: engine.snapshot, at: wall)
        } catch {
            engine = before
            throw error
        }
        perform(actions)
    }

    /// Feeds one event; returns the actions, after they were stored and performed.
    ///
    /// While the store fails (``StoreOutage``), an event that reports a fact waits to be applied and `[]` is
    /// returned, a tick is dropped, and a request, command or connection throws ``StateStoreUnavailable``. A step
    /// whose write fails is undone, never half applied.
    @discardableResult
    public func submit(_ event: DeployerEvent) throws -> [DeployerAction] {
        let whileFailing = event.whileTheStoreFails
        if let outage {
            switch whileFailing {
            case .waits: self.outage?.pending.append(event)
            case .dropped: break
            case .refused: throw StateStoreUnavailable(outage: outage.description)
            }
            return []
        }
        let (now, wall) = (engineNow, clock.wallNow)
        let before = engine
        let actions = engine.handle(event, at: now, wall: wall)
        if let failed = store(actions, undoing: before, at: now, wall: wall, waiting: whileFailing == .waits ? [event] : []) {
            reportOutage()
            if whileFailing == .refused { throw StateStoreUnavailable(outage: failed) }
            return []
        }
        perform(actions)
        return actions
    }

    /// Feeds a deployment request; returns the engine's answer, after the step was stored and performed.
    /// Throws ``StateStoreUnavailable`` while the store fails (nothing was asked for).
    public func request(_ request: DeploymentRequest) throws -> RequestReply {
        if let outage { throw StateStoreUnavailable(outage: outage.description) }
        let (now, wall) = (engineNow, clock.wallNow)
        let before = engine
        let (reply, actions) = engine.request(request, at: now, wall: wall)
        if let failed = store(actions, undoing: before, at: now, wall: wall, waiting: []) {
            reportOutage()
            throw StateStoreUnavailable(outage: failed)
        }
        perform(actions)
        return reply
    }

    /// Ticks the engine at its deadlines until cancelled or a graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.tickAtDeadlines() }
        } catch is CancellationError {
            return
        }
    }

    private func tickAtDeadlines() async throws {
        while !Task.isCancelled {
            if outage != nil {
                try await clock.sleep(until: clock.now.addingTimeInterval(Self.storeRetryInterval.timeInterval))
                retryTheStore()
                continue
            }
            if let deadline = engine.nextDeadline, deadline <= engineNow { try submit(.tick) }
            let now = engineNow
            let wake = now.addingTimeInterval(resolution.timeInterval)
            let deadline = engine.nextDeadline ?? wake
            // A deadline the tick left in the past would spin; such a one waits for the next wake instead.
            let until = deadline <= now ? wake : min(deadline, wake)
            try await clock.sleep(until: until.addingTimeInterval(pausedFor))
        }
    }

    /// The `status --json` snapshot, with the store's failure while it fails.
    public func status() -> StatusSnapshot {
        var snapshot = engine.status()
        snapshot.storeError = outage?.description
        return snapshot
    }

    /// Performs a stored step's actions, in order.
    func perform(_ actions: [DeployerAction]) {
        for action in actions { effects.perform(action) }
    }
}
