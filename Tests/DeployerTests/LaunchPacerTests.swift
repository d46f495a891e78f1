@testable import Deployer
import Foundation
import TestSupport
import Testing

/// The pacer reads its window in place (the `maxConcurrency`-th latest launch) instead of filtering a copy of it:
/// over random histories whose time never goes back, as the engine's does not, it answers as the filtering
/// definition does, for any time it is asked about.
struct LaunchPacerTests {
    /// The pacing by definition: the launches within `spacing` before `now`; when `maxConcurrency` of them are,
    /// the end of the spacing of the `maxConcurrency`-th latest.
    private static func slotByDefinition(_ launches: [Date], after now: Date, maxConcurrency: Int, spacing: Duration) -> Date {
        let window = launches.filter { $0.adding(spacing) > now }
        guard window.count >= maxConcurrency else { return now }
        return window[window.count - maxConcurrency].adding(spacing)
    }

    @Test(arguments: Array(UInt64(1)...40))
    func theNextSlotIsTheDefinitionsOverRandomHistories(seed: UInt64) {
        var random = SplitMix64(seed: seed &* 104_729)
        let maxConcurrency = Int.random(in: 1...6, using: &random)
        let spacing = Duration.milliseconds(Int.random(in: 0...3_000, using: &random))
        var pacer = LaunchPacer(maxConcurrency: maxConcurrency, spacing: spacing)
        var launches: [Date] = []
        var now = Date(timeIntervalSinceReferenceDate: 1_000)
        for _ in 0..<300 {
            // Time stands still as often as it moves (a wave's launches share one instant), by up to 2 s.
            if Bool.random(using: &random) { now = now.addingTimeInterval(Double.random(in: 0...2, using: &random)) }
            for ahead in [0, 0.25, 1, 2.5, 5] {
                let asked = now.addingTimeInterval(ahead)
                #expect(pacer.nextSlot(after: asked)
                    == Self.slotByDefinition(launches, after: asked, maxConcurrency: maxConcurrency, spacing: spacing))
            }
            if pacer.nextSlot(after: now) <= now, Int.random(in: 0..<3, using: &random) > 0 {
                pacer.record(now)
                launches.append(now)
            }
        }
        #expect(launches.count > maxConcurrency, "the history filled the window at least once")
    }

    @Test func theWindowKeepsOnlyTheLaunchesOfTheLastSpacing() {
        var pacer = LaunchPacer(maxConcurrency: 2, spacing: .seconds(5))
        let start = Date(timeIntervalSinceReferenceDate: 0)
        pacer.record(start)
        pacer.record(start.addingTimeInterval(1))
        #expect(pacer.nextSlot(after: start.addingTimeInterval(1)) == start.addingTimeInterval(5))
        pacer.record(start.addingTimeInterval(5))
        #expect(pacer.recent == [start.addingTimeInterval(1), start.addingTimeInterval(5)])
        #expect(pacer.nextSlot(after: start.addingTimeInterval(5)) == start.addingTimeInterval(6))
        #expect(pacer.nextSlot(after: start.addingTimeInterval(7)) == start.addingTimeInterval(7))
    }
}
