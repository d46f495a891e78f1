import Testing
@testable import Supervisor
import TestSupport

/// When a log's size is looked at: every second while it could reach its cap soon, up to every 4 s otherwise.
@Suite struct RotationScheduleTests {
    typealias Instant = ContinuousClock.Instant
    let start = ContinuousClock.now
    let cap = 10 << 20

    func at(_ seconds: Double) -> Instant {
        start + .milliseconds(Int64(seconds * 1000))
    }

    @Test func theFirstLookIsASecondAfterTheOpenAndAQuietLogIsLookedAtEveryFourSeconds() {
        var schedule = RotationSchedule(now: start)
        #expect(!schedule.isDue(at: at(0.999)) && schedule.isDue(at: at(1)))
        schedule.looked(size: 300, cap: cap, at: at(1))
        #expect(schedule.next == at(2))
        schedule.looked(size: 300, cap: cap, at: at(2))
        #expect(schedule.next == at(6))
        #expect(!schedule.isDue(at: at(5.9)) && schedule.isDue(at: at(6)))
    }

    @Test func theWaitIsHalfTheTimeTheRecentGrowthWouldTakeToFillTheCap() {
        var schedule = RotationSchedule(now: start)
        schedule.looked(size: 0, cap: 1000, at: at(1))
        // 100 bytes in 1 s, 800 left: 8 s to the cap, half of it 4 s.
        schedule.looked(size: 100, cap: 1000, at: at(2))
        #expect(schedule.next == at(6))
        // 300 bytes in 4 s (75 B/s), 600 left: 8 s, half of it 4 s.
        schedule.looked(size: 400, cap: 1000, at: at(6))
        #expect(schedule.next == at(10))
        // 400 bytes in 4 s, 200 left: 2 s, half of it 1 s.
        schedule.looked(size: 800, cap: 1000, at: at(10))
        #expect(schedule.next == at(11))
        // 100 bytes in 1 s, 100 left: 1 s, half of it 0.5 s, but never under a second.
        schedule.looked(size: 900, cap: 1000, at: at(11))
        #expect(schedule.next == at(12))
        // 30 bytes in 1 s, 70 left: 2.33 s, half of it 1.17 s.
        schedule.looked(size: 930, cap: 1000, at: at(12))
        #expect(schedule.next == at(13.166))
    }

    @Test func aLogPastItsCapOrThatShrankIsLookedAtASecondLater() {
        var schedule = RotationSchedule(now: start)
        schedule.looked(size: 10, cap: 100, at: at(1))
        schedule.looked(size: 10, cap: 100, at: at(2))
        #expect(schedule.next == at(6))
        schedule.looked(size: 150, cap: 100, at: at(6))
        #expect(schedule.next == at(7))
        // Rotated: smaller than at the last look.
        schedule.looked(size: 40, cap: 100, at: at(7))
        #expect(schedule.next == at(8))
    }

    @Test(arguments: 0..<20)
    func theWaitStaysWithinOneToFourSecondsAndAtMostHalfTheTimeToTheCap(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        var schedule = RotationSchedule(now: start)
        var (size, now, lastLook): (Int, Instant, Instant?) = (0, at(1), nil)
        for _ in 0..<200 {
            let previous = size
            // Mostly growth, now and then any size (a rotation, a truncation, a jump past the cap).
            size = Int.random(in: 0..<4, using: &random) == 0
                ? Int.random(in: 0..<1200, using: &random) : size + Int.random(in: 0..<300, using: &random)
            schedule.looked(size: size, cap: 1000, at: now)
            let wait = schedule.next - now
            #expect(wait >= .seconds(1) && wait <= .seconds(4))
            if let lastLook, size > previous, size <= 1000, wait > .seconds(1) {
                // At the growth just seen, the cap is no nearer than twice the wait (to the millisecond).
                let perSecond = Double(size - previous) / ((now - lastLook) / .seconds(1))
                #expect(Double(1000 - size) / perSecond >= 2 * (wait / .seconds(1)) - 0.002, "seed \(seed)")
            }
            if lastLook == nil || size < previous || size > 1000 { #expect(wait == .seconds(1)) }
            (lastLook, now) = (now, schedule.next)
        }
    }
}
