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
///     // supervisor:         try await driver.submit(.exited(id, .code(status)))
///     // admin API / hooks:  try await driver.submit(.request(DeploymentRequest(ref: rev, trigger: .push)))
/// }
/// ```
public actor DeployerDriver: Service {
    private var engine: DeploymentEngine
    private let store: DeployerStore
    private let effects: any DeployerEffects
    private let clock: any DeployerClock
    /// The longest the run loop sleeps before looking at the deadlines again (new events may bring them closer).
    private let resolution: Duration

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
    public func start() async throws {
        let (now, wall) = (clock.now, clock.wallNow)
        let actions = engine.start(at: now, wall: wall)
        try await commit(actions, at: wall)
    }

    /// Feeds one event; returns the actions, after they were stored and performed.
    @discardableResult
    public func submit(_ event: DeployerEvent) async throws -> [DeployerAction] {
        let (now, wall) = (clock.now, clock.wallNow)
        let actions = engine.handle(event, at: now, wall: wall)
        try await commit(actions, at: wall)
        return actions
    }

    /// Feeds a deployment request; returns the engine's answer, after the step was stored and performed.
    public func request(_ request: DeploymentRequest) async throws -> RequestReply {
        let (now, wall) = (clock.now, clock.wallNow)
        let (reply, actions) = engine.request(request, at: now, wall: wall)
        try await commit(actions, at: wall)
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
            if let deadline = engine.nextDeadline, deadline <= clock.now { try await submit(.tick) }
            let now = clock.now
            let wake = now.addingTimeInterval(resolution.timeInterval)
            let deadline = engine.nextDeadline ?? wake
            // A deadline the tick left in the past would spin; such a one waits for the next wake instead.
            try await clock.sleep(until: deadline <= now ? wake : min(deadline, wake))
        }
    }

    /// The `status --json` snapshot.
    public func status() -> StatusSnapshot { engine.status() }

    /// Stores the step (`wall` dates the rows it adds) and performs its actions.
    private func commit(_ actions: [DeployerAction], at wall: Date) async throws {
        try store.record(actions, snapshot: engine.snapshot, at: wall)
        for action in actions { await effects.perform(action) }
    }
}
