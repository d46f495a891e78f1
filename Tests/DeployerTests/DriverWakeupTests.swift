@testable import Deployer
import FleetTypes
import Foundation
import Synchronization
import Testing

/// The driver's run loop sleeps until the engine's next deadline, not at a polling interval; a submitted event
/// wakes it at once; every step runs on the driver's own thread; the exits ready together are one step.
@Suite struct DriverWakeupTests {
    /// Effects that keep every action and the name of the thread that performed it.
    final class ThreadNotingEffects: DeployerEffects {
        let actions = Mutex<[DeployerAction]>([])
        let threads = Mutex<Set<String>>([])
        let (performed, signal) = AsyncStream.makeStream(of: DeployerAction.self)
        func perform(_ action: DeployerAction) {
            actions.withLock { $0.append(action) }
            threads.withLock { _ = $0.insert(Thread.current.name ?? "") }
            signal.yield(action)
        }
        func storeFailed(_ outage: StoreOutage) {}
        func storeRecovered(after duration: Duration, appliedEvents: Int) {}
    }

    @Test func theRunLoopSleepsUntilTheNextDeadlineOnlyAndAnEventWakesIt() async throws {
        let clock = SteppedClock()
        let effects = ThreadNotingEffects()
        let settings = DeployerSettings(instances: 1, identifyTimeout: .seconds(30), identifySpacing: .seconds(1))
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: settings, keys: CountingKeySource()), store: try DeployerStore.inMemory(),
            effects: effects, clock: clock)
        try await driver.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await driver.run() }
            // Idle, nothing due: the loop asks the clock for no sleep at all (it polled every 100 ms before).
            #expect(try await driver.submit(.request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli))).reply == .accepted(deployment: 1))
            try await driver.submit(.releasePrepared(deployment: 1, result: .prepared(.v1)))
            let deadline = try #require(await driver.engine.nextDeadline, "the canary's gate has a deadline")
            var requests = clock.requests.makeAsyncIterator()
            let first = await requests.next()
            #expect(first == deadline, "the first sleep is until the engine's deadline, woken by the event that made it")
            clock.jumpToEverySleep()
            clock.move(to: deadline)
            for await action in effects.performed {
                if case .recordDeployment(let record) = action, record.outcome.isTerminal {
                    #expect(record.outcome == .rolledBack)
                    break
                }
            }
            group.cancelAll()
        }
        #expect(effects.threads.withLock { $0 } == [DeployerDriver.threadName], "every step ran on the driver's thread")
    }

    @Test func exitsSubmittedTogetherAreOneStoredStep() async throws {
        let store = try DeployerStore.inMemory()
        let effects = ThreadNotingEffects()
        let settings = DeployerSettings(instances: 2, identifyTimeout: .seconds(30), identifySpacing: .zero)
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: settings, keys: CountingKeySource()), store: store, effects: effects,
            clock: SteppedClock())
        try await driver.start()
        try await driver.submit(.request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli)))
        try await driver.submit(.releasePrepared(deployment: 1, result: .prepared(.v1)))
        let launched = effects.actions.withLock { $0 }.compactMap { if case .launch(let order) = $0 { order.client } else { nil } }
        #expect(!launched.isEmpty)
        let steps = store.committedSteps
        let actions = try await driver.submit(contentsOf: launched.map { .exited($0, .exited(code: 1)) })
        #expect(store.committedSteps == steps + 1, "one transaction for the batch")
        let exited = try store.events(deployment: 1).filter { $0.kind == "client.exited" }.compactMap(\.client)
        #expect(Set(exited) == Set(launched))
        #expect(!actions.isEmpty)
    }
}
