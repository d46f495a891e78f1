import Synchronization
import Testing
@testable import Supervisor

@Suite struct LaunchGateTests {
    /// The instances in the order their launches were granted.
    final class GrantLog: Sendable {
        private let instances = Mutex<[String]>([])
        func append(_ instance: String) { instances.withLock { $0.append(instance) } }
        var all: [String] { instances.withLock { $0 } }
    }

    @Test func grantsOnePerSpacingInArrivalOrderOnAnInjectedClock() async throws {
        let clock = ManualClock()
        let gate = LaunchGate(maxConcurrency: 1, spacing: .milliseconds(5500), clock: clock)
        let granted = GrantLog()
        try await gate.acquire(instance: "0")
        granted.append("0")

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, instance) in ["1", "2"].enumerated() {
                group.addTask {
                    try await gate.acquire(instance: instance)
                    granted.append(instance)
                }
                #expect(await eventually { clock.sleeperCount == index + 1 })
            }
            clock.advance(by: .milliseconds(5400))
            #expect(await eventually { clock.sleeperCount == 2 })
            #expect(granted.all == ["0"])

            clock.advance(by: .milliseconds(100))
            #expect(await eventually { granted.all == ["0", "1"] && clock.sleeperCount == 1 })
            clock.advance(by: .milliseconds(5499))
            #expect(await eventually { clock.sleeperCount == 1 })
            #expect(granted.all == ["0", "1"])

            clock.advance(by: .milliseconds(1))
            try await group.waitForAll()
        }
        #expect(granted.all == ["0", "1", "2"])
        #expect(clock.now == ManualClock.Instant(offset: .seconds(11)))
    }

    @Test func theGateSpacesRealLaunchesAndHonoursCancellation() async throws {
        let clock = ContinuousClock()
        let gate = LaunchGate(maxConcurrency: 1, spacing: .milliseconds(400), clock: clock)
        let start = clock.now
        try await gate.acquire(instance: "0")
        try await gate.acquire(instance: "1")
        let second = clock.now
        #expect(start.duration(to: second) >= .milliseconds(400))

        let abandoned = Task { try await gate.acquire(instance: "2") }
        abandoned.cancel()
        await #expect(throws: CancellationError.self) { try await abandoned.value }
        try await gate.acquire(instance: "3")
        #expect(second.duration(to: clock.now) >= .milliseconds(400))
    }
}
