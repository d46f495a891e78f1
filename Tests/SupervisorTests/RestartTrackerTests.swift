import Testing
@testable import Supervisor

@Suite struct RestartTrackerTests {
    let t0 = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0.advanced(by: .milliseconds(Int(seconds * 1000))) }

    @Test func backoffDoublesFromOneSecondToSixty() {
        var tracker = RestartTracker<ContinuousClock.Instant>(policy: RestartPolicy(crashLoopExits: 100))
        var delays: [Duration] = []
        var now = 0.0
        for _ in 0..<9 {
            tracker.started(at: at(now))
            now += 1
            guard case .restart(let delay) = tracker.exited(at: at(now)) else {
                Issue.record("unexpected crash loop")
                return
            }
            delays.append(delay)
            now += 0.1
        }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
    }

    @Test func aStableRunResetsTheBackoff() {
        var tracker = RestartTracker<ContinuousClock.Instant>(policy: RestartPolicy(minUptime: .seconds(30), crashLoopExits: 100))
        tracker.started(at: at(0))
        #expect(tracker.exited(at: at(1)) == .restart(after: .seconds(1)))
        tracker.started(at: at(2))
        #expect(tracker.exited(at: at(3)) == .restart(after: .seconds(2)))
        tracker.started(at: at(5))
        #expect(tracker.exited(at: at(34.9)) == .restart(after: .seconds(4)))
        tracker.started(at: at(40))
        #expect(tracker.exited(at: at(70)) == .restart(after: .seconds(1)))
        #expect(tracker.consecutiveFailures == 1)
    }

    @Test func threeExitsWithinTheWindowAreACrashLoop() {
        var tracker = RestartTracker<ContinuousClock.Instant>(
            policy: RestartPolicy(crashLoopExits: 3, crashWindow: .seconds(300)))
        #expect(tracker.exited(at: at(0)) == .restart(after: .seconds(1)))
        #expect(tracker.exited(at: at(100)) == .restart(after: .seconds(2)))
        #expect(tracker.exited(at: at(299)) == .crashLoop(exits: 3))
    }

    @Test func exitsSpreadBeyondTheWindowAreNot() {
        var tracker = RestartTracker<ContinuousClock.Instant>(
            policy: RestartPolicy(minUptime: .seconds(1000), crashLoopExits: 3, crashWindow: .seconds(300)))
        #expect(tracker.exited(at: at(0)) == .restart(after: .seconds(1)))
        #expect(tracker.exited(at: at(200)) == .restart(after: .seconds(2)))
        #expect(tracker.exited(at: at(401)) == .restart(after: .seconds(4)))
        #expect(tracker.exited(at: at(450)) == .crashLoop(exits: 3))
        tracker.reset()
        #expect(tracker.consecutiveFailures == 0)
        #expect(tracker.exited(at: at(451)) == .restart(after: .seconds(1)))
    }
}
