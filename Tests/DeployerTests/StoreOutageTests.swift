@testable import Deployer
import Foundation
import FleetTypes
import Synchronization
import Testing

/// A failed write to the state store undoes the engine's step, stops the engine's time, keeps fact events in order
/// and refuses requests and commands; once writes succeed again the events are applied and the deployment goes on
/// as if no time had passed.
@Suite struct StoreOutageTests {
    /// A clock the test moves by hand; the run loop is not used (the test calls the retry itself).
    final class ManualClock: DeployerClock {
        let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { current.withLock { $0 } }
        var wallNow: Date { now }
        func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
        func sleep(until deadline: Date) async throws { try await Task.sleep(for: .seconds(3600)) }
    }

    /// Effects that keep every action and every outage report.
    final class KeepingEffects: DeployerEffects {
        let actions = Mutex<[DeployerAction]>([])
        let failures = Mutex<[StoreOutage]>([])
        let recoveries = Mutex<[Int]>([])
        func perform(_ action: DeployerAction) { actions.withLock { $0.append(action) } }
        func storeFailed(_ outage: StoreOutage) { failures.withLock { $0.append(outage) } }
        func storeRecovered(after duration: Duration, appliedEvents: Int) { recoveries.withLock { $0.append(appliedEvents) } }
        var launches: [LaunchOrder] { actions.withLock { $0.compactMap { if case .launch(let order) = $0 { order } else { nil } } } }
    }

    /// A store in a file of a temporary folder: its writer connection is its own, so `refuseWrites` holds across
    /// reads (an in-memory queue lifts `query_only` after each read).
    static func fileStore() throws -> (DeployerStore, folder: String) {
        let folder = NSTemporaryDirectory() + "store-outage-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return (try DeployerStore(path: folder + "/state.sqlite"), folder)
    }

    @Test func aFailedWriteUndoesTheStepAndTheDeploymentGoesOnOnceTheStoreWorks() async throws {
        let (store, folder) = try Self.fileStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualClock()
        let effects = KeepingEffects()
        let settings = DeployerSettings(instances: 1, identifyTimeout: .seconds(30), identifySpacing: .seconds(1))
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: settings, keys: CountingKeySource()), store: store, effects: effects,
            clock: clock)
        try await driver.start()
        #expect(try await driver.submit(.request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli))).reply
            == .accepted(deployment: 1))
        let trailBefore = try store.events(deployment: 1)

        try store.refuseWrites(true)
        #expect(try await driver.submit(.releasePrepared(deployment: 1, result: .prepared(.v1))) == EngineStep(reply: .noted, actions: []))
        var status = driver.status()
        let outage = try #require(status.storeError)
        #expect(outage.pendingEvents == 1)
        #expect(outage.error.contains("readonly"), "\(outage.error)")
        #expect(status.deployment?.phase == "preparing", "the step was undone")
        #expect(effects.launches.isEmpty, "nothing of the undone step was performed")
        #expect(try store.events(deployment: 1) == trailBefore, "nothing of it was stored")
        #expect(effects.failures.withLock { $0.count } == 1)
        await #expect(throws: StateStoreUnavailable.self) {
            try await driver.submit(.request(DeploymentRequest(ref: "main", trigger: .cli)))
        }
        await #expect(throws: StateStoreUnavailable.self) { try await driver.submit(.command(.abort)) }
        await #expect(throws: StateStoreUnavailable.self) {
            try await driver.submit(.connect(ClientID(instance: 0, launch: 1), key: "k"))
        }

        // Ten minutes pass, far beyond every gate timeout; the retries fail meanwhile and change nothing.
        clock.advance(600)
        await driver.retryTheStore()
        status = driver.status()
        #expect(status.storeError?.pendingEvents == 1)
        #expect(effects.failures.withLock { $0.count } == 1, "an outage is reported once")

        try store.refuseWrites(false)
        await driver.retryTheStore()
        status = driver.status()
        #expect(status.storeError == nil)
        #expect(effects.recoveries.withLock { $0 } == [1])
        let order = try #require(effects.launches.first, "the waiting release step was applied")

        // The engine's time stood still during the outage: the gate counts from the launch, not from before it.
        clock.advance(20)
        for event: DeployerEvent in [.launched(order.client, pid: 7, startTime: 1), .connect(order.client, key: order.key),
                                     .identified(order.client), .tick, .ready(order.client), .healthReport(order.client, .healthy)] {
            try await driver.submit(event)
        }
        status = driver.status()
        #expect(status.instances.first?.active?.id == order.client, "\(status)")
        #expect(status.instances.first?.active?.state == "serving")
        #expect(try store.history().first?.outcome == .running, "baking, not failed by the outage")
        let recovered = try store.recover(goodTags: [])
        #expect(recovered.clients.map(\.client) == [order.client], "the database agrees with the engine")
    }

    @Test func factsThatCameDuringTheOutageAreAppliedInOrder() async throws {
        let (store, folder) = try Self.fileStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = ManualClock()
        let effects = KeepingEffects()
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: DeployerSettings(instances: 1), keys: CountingKeySource()), store: store,
            effects: effects, clock: clock)
        try await driver.start()
        _ = try await driver.submit(.request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli)))
        _ = try await driver.submit(.releasePrepared(deployment: 1, result: .prepared(.v1)))
        let order = try #require(effects.launches.first)

        try store.refuseWrites(true)
        // A tick fails first (nothing waits), then facts come: the launch, and the exit of the same process.
        clock.advance(1)
        #expect(try await driver.submit(.tick) == EngineStep(reply: .noted, actions: []))
        #expect(driver.status().storeError?.pendingEvents == 0)
        try await driver.submit(.launched(order.client, pid: 7, startTime: 1))
        try await driver.submit(.exited(order.client, .exited(code: 3)))
        #expect(driver.status().storeError?.pendingEvents == 2)

        try store.refuseWrites(false)
        await driver.retryTheStore()
        #expect(driver.status().storeError == nil)
        let outcome = try #require(try store.history().first)
        #expect(outcome.outcome == .rolledBack, "the exit after the launch failed the gate: \(outcome)")
        #expect(outcome.reason?.contains("exited") == true, "\(outcome.reason ?? "")")
    }
}
