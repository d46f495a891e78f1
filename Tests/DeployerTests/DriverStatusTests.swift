import Deployer
import FleetTypes
import Foundation
import Synchronization
import TestSupport
import Testing

/// `status()` answers from what the last step left, without waiting behind the driver's queue: a busy driver (here
/// one blocked in performing an action) never delays a status request.
@Suite struct DriverStatusTests {
    /// Effects that block the driver's thread in the first `launch` until the test releases it.
    final class BlockingEffects: DeployerEffects {
        private let condition = NSCondition()
        private let released = Mutex(false)
        let (blocked, signal) = AsyncStream.makeStream(of: ClientID.self)

        func perform(_ action: DeployerAction) {
            guard case .launch(let order) = action else { return }
            signal.yield(order.client)
            condition.lock()
            while !released.withLock({ $0 }) { condition.wait() }
            condition.unlock()
        }

        func release() {
            condition.lock()
            released.withLock { $0 = true }
            condition.broadcast()
            condition.unlock()
        }

        func storeFailed(_ outage: StoreOutage) {}
        func storeRecovered(after duration: Duration, appliedEvents: Int) {}
    }

    @Test func statusAnswersWhileTheDriverIsBusyAndShowsEachStepOnceItWasStored() async throws {
        let effects = BlockingEffects()
        let settings = DeployerSettings(instances: 1, identifyTimeout: .seconds(30), identifySpacing: .zero)
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: settings, keys: CountingKeySource()), store: try DeployerStore.inMemory(),
            effects: effects, clock: SteppedClock())
        try await driver.start()
        #expect(try await driver.submit(.request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli))).reply == .accepted(deployment: 1))
        let preparing = driver.status()
        #expect(preparing.state == .deploying)
        #expect(preparing.instances[0].candidate == nil)

        let launching = Task { try await driver.submit(.releasePrepared(deployment: 1, result: .prepared(.v1))) }
        let blocked = await effects.blocked.next(within: .seconds(60))
        #expect(try #require(blocked, "the driver's thread performs the canary's launch") == ClientID(instance: 0, launch: 1))
        // The driver's thread is stuck performing the step's launch: status still answers, and it shows the step,
        // which was stored before its actions were performed (as a reader of the store would see it).
        let meanwhile = driver.status()
        #expect(meanwhile.state == .deploying)
        #expect(meanwhile.instances[0].candidate != nil)
        effects.release()
        _ = try await launching.value
        #expect(driver.status() == meanwhile, "performing the actions changed nothing the status shows")
    }
}
