import Deployer
import FleetTypes
import Foundation
import TestSupport
import Testing

/// Events submitted while the driver is busy wait in its inbox and are taken together: one transaction for all of
/// them, each caller answered with its own event's reply, in the order they came.
@Suite struct DriverInboxTests {
    @Test func eventsThatWaitedAreStoredInOneTransactionAndEachCallerGetsItsAnswer() async throws {
        let (driver, store, effects, launching, canary) = try await Self.blockedDriver()

        // The driver's thread is stuck performing the canary's launch: these wait in the inbox.
        let events: [DeployerEvent] = (0..<40).map { index in
            index % 2 == 0
                ? .connect(canary, key: "not-the-key-\(index)")
                : .request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli))
        }
        let answers = Task {
            try await withThrowingTaskGroup(of: (Int, EngineReply).self) { group in
                for (index, event) in events.enumerated() {
                    group.addTask { (index, try await driver.submit(event).reply) }
                }
                return try await group.reduce(into: [Int: EngineReply]()) { $0[$1.0] = $1.1 }
            }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while driver.eventsWaiting < events.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(driver.eventsWaiting == events.count)
        let stepsBefore = store.committedSteps
        effects.release()
        _ = try await launching.value
        let replies = try await answers.value

        #expect(store.committedSteps == stepsBefore + 1, "the 40 events that waited were stored in one transaction")
        #expect(driver.eventsWaiting == 0)
        for index in events.indices {
            let reply = try #require(replies[index])
            if index % 2 == 0 {
                guard case .refused = reply else { Issue.record("event \(index): \(reply), not refused"); continue }
            } else {
                guard case .existing(let deployment, _) = reply else {
                    Issue.record("event \(index): \(reply), not the existing deployment")
                    continue
                }
                #expect(deployment == 1)
            }
        }
    }

    /// Events submitted together stay together and in order; more than one step takes are split across steps, and
    /// the caller hears once all were answered.
    @Test func eventsSubmittedTogetherAreAnsweredTogetherAcrossSteps() async throws {
        let (driver, store, effects, launching, canary) = try await Self.blockedDriver()
        let count = 300
        let together = Task {
            try await driver.submit(contentsOf: (0..<count).map { .connect(canary, key: "not-the-key-\($0)") })
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while driver.eventsWaiting < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let stepsBefore = store.committedSteps
        effects.release()
        _ = try await launching.value
        _ = try await together.value
        #expect(store.committedSteps == stepsBefore + 3, "300 events in steps of at most 128")
        #expect(driver.eventsWaiting == 0)
    }

    /// A driver whose thread is stuck performing the canary's launch (until `effects.release()`), the task waiting
    /// for that step, and the canary.
    static func blockedDriver() async throws -> (
        DeployerDriver, DeployerStore, DriverStatusTests.BlockingEffects, Task<EngineStep, any Error>, ClientID
    ) {
        let effects = DriverStatusTests.BlockingEffects()
        let settings = DeployerSettings(instances: 1, identifyTimeout: .seconds(30), identifySpacing: .zero)
        let store = try DeployerStore.inMemory()
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: settings, keys: CountingKeySource()), store: store, effects: effects,
            clock: SteppedClock())
        try await driver.start()
        #expect(try await driver.submit(.request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli))).reply == .accepted(deployment: 1))
        let launching = Task { try await driver.submit(.releasePrepared(deployment: 1, result: .prepared(.v1))) }
        let canary = try #require(await effects.blocked.next(within: .seconds(60)))
        return (driver, store, effects, launching, canary)
    }
}
