@testable import FleetDaemon
import FleetTypes
import TestSupport
import Testing

/// When the stops of idle clients start, without a clock of the wall: instants built by hand.
@Suite struct StopWaveTests {
    let start = ContinuousClock.now

    private func client(_ instance: Int) -> ClientID { ClientID(instance: instance, launch: 1) }

    @Test("a wave of 25 at one instant: the first slice at once, the rest a slice per interval")
    func slices() {
        var wave = StopWave(slice: 10, interval: .milliseconds(50))
        let places = (0..<25).map { wave.place(client($0), now: start) }
        #expect(places[0..<10].allSatisfy { $0 == start })
        #expect(places[10..<20].allSatisfy { $0 == start + .milliseconds(50) })
        #expect(places[20..<25].allSatisfy { $0 == start + .milliseconds(100) })
        #expect(wave.take(client(12)) == start + .milliseconds(50))
        #expect(wave.take(client(12)) == nil, "a place is taken once")
        #expect(wave.take(client(99)) == nil, "a client given no place")
    }

    @Test("a client placed while its slot runs starts at once, not at the slot's past start")
    func placeWithinARunningSlot() {
        var wave = StopWave(slice: 3, interval: .milliseconds(50))
        #expect(wave.place(client(0), now: start) == start)
        #expect(wave.place(client(1), now: start + .milliseconds(20)) == start + .milliseconds(20))
        #expect(wave.place(client(2), now: start + .milliseconds(30)) == start + .milliseconds(30))
        #expect(wave.place(client(3), now: start + .milliseconds(40)) == start + .milliseconds(50), "the slot is full")
    }

    @Test("once a wave has passed, the next starts at once and the untaken places are forgotten")
    func nextWave() {
        var wave = StopWave(slice: 1, interval: .milliseconds(50))
        _ = wave.place(client(0), now: start)
        #expect(wave.place(client(1), now: start) == start + .milliseconds(50))
        let later = start + .milliseconds(100)
        #expect(wave.place(client(2), now: later) == later, "the wave before ended at +100 ms")
        #expect(wave.take(client(0)) == nil && wave.take(client(1)) == nil)
        #expect(wave.take(client(2)) == later)
    }

    @Test("random arrivals: never before now, in order, no more than a slice in any slot's span, and a stop waits only behind a full slot")
    func randomArrivals() {
        var random = SplitMix64(seed: 11)
        for _ in 0..<200 {
            let slice = Int(random.next() % 5) + 1
            let interval = Duration.milliseconds(Int(random.next() % 100) + 1)
            var wave = StopWave(slice: slice, interval: interval)
            var now = start
            var given: [(now: ContinuousClock.Instant, place: ContinuousClock.Instant)] = []
            for index in 0..<Int(random.next() % 60) {
                now += .milliseconds(Int(random.next() % 4 == 0 ? random.next() % 200 : 0))
                given.append((now, wave.place(client(index), now: now)))
            }
            for (index, item) in given.enumerated() {
                #expect(item.place >= item.now)
                if index > 0 { #expect(item.place >= given[index - 1].place) }
                let sameOrLater = given[index...].filter { $0.place < item.place + interval && $0.place > item.place }
                let atOnce = given.filter { $0.place == item.place }.count
                #expect(atOnce <= slice, "one instant holds at most a slice")
                #expect(sameOrLater.count + atOnce <= 2 * slice, "a span of one interval holds at most two slots")
                if item.place > item.now {
                    let before = given[..<index].filter { $0.place >= item.place - interval && $0.place < item.place }
                    #expect(before.count >= slice, "it waited only behind a full slot")
                }
            }
        }
    }
}
