import Deployer
import FleetTypes
import Foundation
import ServiceLifecycleTestKit
import TestSupport
import Testing

/// Effects that hand every action to the test.
struct RecordingEffects: DeployerEffects {
    let continuation: AsyncStream<DeployerAction>.Continuation

    func perform(_ action: DeployerAction) {
        continuation.yield(action)
    }

    func storeFailed(_ outage: StoreOutage) {}

    func storeRecovered(after duration: Duration, appliedEvents: Int) {}
}

@Suite struct DriverTests {
    @Test func theDriverStoresEachStepPerformsItsActionsAndTicksAtDeadlines() async throws {
        let (actions, continuation) = AsyncStream.makeStream(of: DeployerAction.self)
        let store = try DeployerStore.inMemory()
        let settings = DeployerSettings(instances: 1, identifyTimeout: .milliseconds(200), identifySpacing: .milliseconds(10))
        // The clock jumps to the end of every sleep the run loop asks for: the identify timeout passes at once.
        let clock = SteppedClock()
        clock.jumpToEverySleep()
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: settings, keys: CountingKeySource()), store: store,
            effects: RecordingEffects(continuation: continuation), clock: clock
        )
        try await driver.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await driver.run() }
            try await driver.submit(.request(DeploymentRequest(ref: "main", trigger: .cli, who: "test")))
            var seen: [DeployerAction] = []
            var finished: DeploymentRecord?
            while finished == nil, let action = await actions.next(within: .seconds(60)) {
                seen.append(action)
                switch action {
                case .prepareRelease(let id, _):
                    try await driver.submit(.releasePrepared(deployment: id, result: .prepared(.v1)))
                case .recordDeployment(let record) where record.outcome.isTerminal:
                    finished = record
                default:
                    break
                }
            }
            group.cancelAll()
            let record = try #require(finished, "the deployment ended")
            #expect(record.outcome == .rolledBack)
            #expect(record.reason == "instance 0 (shard-0.1): identify_timeout (no identify within 0.2 s)")
            #expect(seen.contains { if case .launch = $0 { true } else { false } })
            #expect(seen.contains(.stop(ClientID(instance: 0, launch: 1))))
        }
        #expect(try store.history().first?.outcome == .rolledBack)
        let trail = try store.events(deployment: 1).map(\.kind)
        #expect(trail.contains("gate.failed"))
        #expect(trail.contains("action.launch"))
        #expect(driver.status().state == .idle)
    }

    @Test func runEndsOnGracefulShutdown() async throws {
        let (_, continuation) = AsyncStream.makeStream(of: DeployerAction.self)
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: DeployerSettings(instances: 1)), store: try DeployerStore.inMemory(),
            effects: RecordingEffects(continuation: continuation)
        )
        try await driver.start()
        let ended = try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await driver.run()
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(30))
                    return false
                }
                trigger.triggerGracefulShutdown()
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
        }
        #expect(ended, "run() returned within 30 s of the graceful shutdown")
    }
}
