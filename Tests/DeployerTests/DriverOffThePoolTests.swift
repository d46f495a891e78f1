@testable import Deployer
import FleetTypes
import Foundation
import Synchronization
import Testing

/// An event reaches the engine without a thread of Swift's cooperative pool: the step that takes it is scheduled on
/// the driver's own thread, and a task that prefers that thread (the exit watcher's) submits and hears the answer
/// there. In a 200-shard rollout the pool is busy with the channel's traffic, and every turn of it an event waited
/// for made an exit hundreds of milliseconds late.
@Suite struct DriverOffThePoolTests {
    @Test func anEventSubmittedFromTheDriversThreadIsSteppedWhileEveryPoolThreadIsBlocked() async throws {
        let settings = DeployerSettings(instances: 1, identifyTimeout: .seconds(30), identifySpacing: .zero)
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: settings, keys: CountingKeySource()), store: try DeployerStore.inMemory(),
            effects: DriverWakeupTests.ThreadNotingEffects(), clock: SteppedClock())
        try await driver.start()

        // More blockers than the pool has threads: the pool is full while they wait.
        let poolWidth = ProcessInfo.processInfo.activeProcessorCount
        let blockers = poolWidth * 2 + 2
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let answer = Answer()
        for _ in 0..<blockers {
            Task.detached { Self.block(signalling: started, until: release) }
        }
        // The test's own task runs on the pool, so a thread of its own does the rest and hands back the outcome.
        let steppedWhileBlocked = await withCheckedContinuation { (outcome: CheckedContinuation<Bool, Never>) in
            let conductor = Thread {
                for _ in 0..<poolWidth { _ = started.wait(timeout: .now() + 60) }
                let stepped = DispatchSemaphore(value: 0)
                Task(executorPreference: driver.taskExecutor) {
                    let step = try? await driver.submit(.request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli)))
                    answer.reply.withLock { $0 = step?.reply }
                    stepped.signal()
                }
                let inTime = stepped.wait(timeout: .now() + 30) == .success
                for _ in 0..<blockers { release.signal() }
                outcome.resume(returning: inTime)
            }
            conductor.start()
        }
        #expect(steppedWhileBlocked, "the step waited for a thread of the blocked cooperative pool")
        #expect(answer.reply.withLock { $0 } == .accepted(deployment: 1))
    }

    /// The engine's answer, as the submitting task heard it.
    private final class Answer: Sendable {
        let reply = Mutex<EngineReply?>(nil)
    }

    /// Holds the calling thread until `release` is signalled, after signalling `started`.
    private static func block(signalling started: DispatchSemaphore, until release: DispatchSemaphore) {
        started.signal()
        release.wait()
    }
}
