public import FleetTypes
import Foundation
public import ServiceLifecycle
import Synchronization

/// The single owner of the engine in a daemon: feeds it events, stores each step, performs its actions, and
/// ticks it at its deadlines. A `Service`: its ``run()`` ends on graceful shutdown, leaving the bots running.
///
/// ```swift
/// let store = try DeployerStore(path: stateDir + "/state.sqlite")
/// let recovered = try store.recover(goodTags: await daemonEffects.goodTags())
/// let engine = DeploymentEngine(settings: settings, recovered: recovered)
/// let driver = DeployerDriver(engine: engine, store: store, effects: daemonEffects)
/// try await driver.start()
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { try await driver.run() }          // deadlines (or hand `driver` to a ServiceGroup)
///     // channel handlers:   let step = try await driver.submit(.connect(id, key: key))
///     //                     step.reply == .admitted ? accept : CONNECT_ERROR "unauthorized"
///     // supervisor:         try await driver.submit(.exited(id, exit.status))
///     // admin API / hooks:  try await driver.submit(.request(DeploymentRequest(ref: rev, trigger: .push)))
/// }
/// ```
public actor DeployerDriver: Service {
    var engine: DeploymentEngine
    let store: DeployerStore
    let effects: any DeployerEffects
    let clock: any DeployerClock
    /// How long the run loop waits when a tick left a deadline in the past (which the engine never does: a guard
    /// against spinning, not a polling interval).
    private let resolution: Duration
    /// The dedicated thread every step runs on (engine, SQLite transaction, effects), off the cooperative pool.
    private let thread = ThreadExecutor(name: DeployerDriver.threadName)
    /// The run loop while it waits for the next deadline (nil: it waits for an event).
    var sleeper: DeadlineSleeper?
    /// How many times the run loop went to sleep.
    var sleeps = 0
    /// The timer of the run loop's sleep, while one is armed.
    var timer: DeadlineTimer?
    /// Set while the state store fails: the engine's time stands still and fact events wait here.
    var outage: PausedEngine?
    /// How long the engine's time stood still in past outages: engine time is the clock's minus this.
    var pausedFor: TimeInterval = 0
    /// How often a failing store is tried again.
    static let storeRetryInterval = Duration.seconds(1)
    /// The engine and the store's failure as the last step left them, which ``status()`` reads without waiting
    /// behind the driver's queue of events (at 200 instances a status request waited seconds in a rollout).
    private nonisolated let lastStep: Mutex<PublishedStep>
    /// The events submitted while the driver was busy, with their callers.
    private nonisolated let inbox = DriverInbox()

    /// The name of the driver's thread.
    public static let threadName = "urban-driver"

    /// Runs the driver's steps on its own thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    /// The driver's thread as a task executor: a task that prefers it (`Task(executorPreference:)`) runs there
    /// instead of on the cooperative pool, as the steps do; for the few small jobs that feed the driver and must
    /// not wait for the pool (the exits of the bots).
    public nonisolated var taskExecutor: any TaskExecutor { thread }

    /// Makes a driver around an engine (fresh or recovered from `store`).
    public init(
        engine: DeploymentEngine, store: DeployerStore, effects: any DeployerEffects,
        clock: any DeployerClock = MonotonicDeployerClock(), resolution: Duration = .milliseconds(100)
    ) {
        self.engine = engine
        lastStep = Mutex(PublishedStep(engine: engine, outage: nil))
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
            // The whole snapshot: the engine may be new to a store that wrote before (its clients are compared).
            try store.record(actions, snapshot: engine.snapshot, at: wall)
        } catch {
            engine = before
            throw error
        }
        engine.markStored()
        publish()
        perform(actions)
    }

    /// Feeds one event; returns the engine's answer and the actions, after they were stored and performed.
    ///
    /// Events that arrive while the driver is busy wait in its inbox and are taken together, up to
    /// ``inboxBatchLimit`` at a time, as one step: one transaction stores what they all
    /// produced, in the order they came (but for the `coma` confirmations a handover waits for, which are taken
    /// ahead, alone: ``DriverInbox/take(upTo:)``), each caller gets its own event's answer. At 200 instances a rollout's
    /// events came faster than one transaction each could store them, and every answer (a handover's
    /// `process_commands`, an exit) waited behind the queue.
    ///
    /// While the store fails (``StoreOutage``), an event that reports a fact waits to be applied (the step returned
    /// is ``EngineReply/noted`` with no actions), a tick is dropped, and a request, command or connection throws
    /// ``StateStoreUnavailable``. A step whose write fails is undone, never half applied.
    @discardableResult
    public nonisolated func submit(_ event: DeployerEvent) async throws -> EngineStep {
        try await submit(event, storing: nil)
    }

    /// Feeds one event as ``submit(_:)`` does, and stores `rows` in the transaction of its step: both are kept or
    /// neither. While the store fails, a fact event waits with its rows and both are stored when it is applied.
    @discardableResult
    public nonisolated func submit(_ event: DeployerEvent, storing rows: StepRows?) async throws -> EngineStep {
        try await withCheckedThrowingContinuation { caller in
            queue([DriverInbox.Waiting(event: event, rows: rows) { caller.resume(with: $0) }])
        }
    }

    /// Feeds events together and in order, as ``submit(_:)`` does each (they are taken in the same step unless
    /// the inbox's batch is full), and returns their actions; the exits that are ready at once, say. Throws
    /// ``StateStoreUnavailable`` when the store fails and one of them may not wait.
    @discardableResult
    public nonisolated func submit(contentsOf events: [DeployerEvent]) async throws -> [DeployerAction] {
        let answers = Mutex<[Result<EngineStep, any Error>?]>(Array(repeating: nil, count: events.count))
        let steps = try await withCheckedThrowingContinuation { (caller: CheckedContinuation<[EngineStep], any Error>) in
            guard !events.isEmpty else { return caller.resume(returning: []) }
            queue(events.enumerated().map { index, event in
                DriverInbox.Waiting(event: event) { answer in
                    let all = answers.withLock { answers -> [Result<EngineStep, any Error>]? in
                        answers[index] = answer
                        let done = answers.compactMap { $0 }
                        return done.count == events.count ? done : nil
                    }
                    guard let all else { return }
                    caller.resume(with: Result { try all.map { try $0.get() } })
                }
            })
        }
        return steps.flatMap(\.actions)
    }

    /// How many submitted events wait for the driver's next step (for metrics and tests).
    public nonisolated var eventsWaiting: Int { inbox.count }

    /// The most events of the inbox one step takes.
    static let inboxBatchLimit = 128

    /// Puts events in the inbox, and schedules a step to take them unless one is scheduled. The step's task starts
    /// on the driver's thread: it never waits for a thread of the cooperative pool, which a rollout's channel
    /// traffic keeps busy (every event paid that wait once more before it reached the engine).
    nonisolated func queue(_ events: [DriverInbox.Waiting]) {
        guard inbox.add(events) else { return }
        Task(executorPreference: thread) { await self.takeInbox() }
    }

    /// Takes a batch from the inbox and steps it, then, while more wait, schedules the next batch (behind whatever
    /// else waits for the driver, the run loop's tick say).
    private func takeInbox() {
        let batch = inbox.take(upTo: Self.inboxBatchLimit)
        effects.together {
            let results = step(batch)
            for (waiting, result) in zip(batch, results) { waiting.answer(result) }
        }
        if inbox.finishBatch() { Task { self.takeInbox() } }
    }

    /// One event's step, on the driver (the run loop's ticks).
    @discardableResult
    func step(_ event: DeployerEvent) throws -> EngineStep {
        try effects.together { step([DriverInbox.Waiting(event: event) { _ in }])[0] }.get()
    }

    /// The engine's step for each of `submitted`, stored in one transaction (with the rows each brought) and then
    /// performed; while the store fails, a ``EngineReply/noted`` step with no actions for each event that may
    /// wait, ``StateStoreUnavailable`` for each that may not.
    private func step(_ submitted: [DriverInbox.Waiting]) -> [Result<EngineStep, any Error>] {
        defer { wakeIfSooner() }
        if let outage {
            self.outage?.keep(submitted)
            publish()
            return Self.refusedOrNoted(submitted, outage: outage.description)
        }
        let (now, wall) = (engineNow, clock.wallNow)
        let before = engine
        var steps: [EngineStep] = []
        var recorded: [RecordedStep] = []
        for item in submitted {
            let step = engine.handle(item.event, at: now, wall: wall)
            steps.append(step)
            recorded.append(RecordedStep(actions: step.actions, deployment: engine.rollout?.record.id, rows: item.rows))
        }
        if let failed = store(recorded, undoing: before, at: now, wall: wall, submitted: submitted) {
            reportOutage()
            return Self.refusedOrNoted(submitted, outage: failed)
        }
        perform(recorded.flatMap(\.actions))
        return steps.map { .success($0) }
    }

    /// The answers while the store fails: ``StateStoreUnavailable`` for an event that may not wait, else a
    /// ``EngineReply/noted`` step with no actions.
    private static func refusedOrNoted(
        _ submitted: [DriverInbox.Waiting], outage: StoreOutage
    ) -> [Result<EngineStep, any Error>] {
        submitted.map { waiting in
            waiting.event.whileTheStoreFails == .refused
                ? .failure(StateStoreUnavailable(outage: outage)) : .success(EngineStep(reply: .noted, actions: []))
        }
    }

    /// Ticks the engine at its deadlines until cancelled or a graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.tickAtDeadlines() }
        } catch is CancellationError {
            return
        }
    }

    /// Sleeps until the engine's next deadline (or, with none, until an event brings one), ticks, and again; a
    /// ``submit(_:)`` or ``request(_:)`` that brings the deadline closer wakes it at once. While the store fails it
    /// retries the store every ``storeRetryInterval`` instead.
    private func tickAtDeadlines() async throws {
        while !Task.isCancelled {
            if outage != nil {
                try await clock.sleep(until: clock.now.addingTimeInterval(Self.storeRetryInterval.timeInterval))
                retryTheStore()
                continue
            }
            if let deadline = engine.nextDeadline, deadline <= engineNow { try step(.tick) }
            guard outage == nil else { continue }
            let now = engineNow
            var until = engine.nextDeadline
            // A deadline the tick left in the past would spin; such a one waits a moment instead.
            if let deadline = until, deadline <= now { until = now.addingTimeInterval(resolution.timeInterval) }
            await sleep(until: until)
        }
    }

    /// What the engine knows as the last step left it, with the store's failure while it fails. It never
    /// waits for the driver: a step shows once it was stored (before its actions are performed).
    public nonisolated func status() -> EngineStatus {
        let step = lastStep.withLock { $0 }
        var snapshot = step.engine.status()
        snapshot.storeError = step.outage
        return snapshot
    }

    /// Makes the engine's state and the store's failure what ``status()`` reads.
    func publish() {
        let step = PublishedStep(engine: engine, outage: outage?.description)
        lastStep.withLock { $0 = step }
    }

    /// The last good revision other than `revision`: the engine's (``DeploymentEngine/lastGood(excluding:)``), the
    /// newest good tag not on a revision marked bad.
    public func lastGood(excluding revision: Revision?) -> GoodTag? {
        engine.lastGood(excluding: revision)
    }

    /// Performs a stored step's actions, in order.
    func perform(_ actions: [DeployerAction]) {
        for action in actions { effects.perform(action) }
    }
}

/// What a ``DeployerDriver``'s last step left, for readers that do not wait for the driver.
private struct PublishedStep: Sendable {
    var engine: DeploymentEngine
    var outage: StoreOutage?
}
