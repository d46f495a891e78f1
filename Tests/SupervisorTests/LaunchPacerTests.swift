import Testing
@testable import Supervisor

@Suite struct LaunchPacerTests {
    let t0 = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0.advanced(by: .milliseconds(Int(seconds * 1000))) }

    @Test func onePerSpacingInArrivalOrder() {
        var pacer = LaunchPacer<ContinuousClock.Instant>(maxConcurrency: 1, spacing: .milliseconds(5500))
        #expect(pacer.nextGrantTime(after: at(0)) == nil)
        let a = pacer.enqueue(instance: "0")
        let b = pacer.enqueue(instance: "1")
        let c = pacer.enqueue(instance: "2")
        #expect(pacer.grantDue(at: at(0)) == [a])
        #expect(pacer.nextGrantTime(after: at(0)) == at(5.5))
        #expect(pacer.grantDue(at: at(5.4)) == [])
        #expect(pacer.grantDue(at: at(5.5)) == [b])
        #expect(pacer.nextGrantTime(after: at(6)) == at(11))
        #expect(pacer.grantDue(at: at(11)) == [c])
        #expect(pacer.isIdle)
        #expect(pacer.nextGrantTime(after: at(12)) == nil)
        // A request after a quiet spell goes at once.
        let d = pacer.enqueue(instance: "3")
        #expect(pacer.grantDue(at: at(30)) == [d])
    }

    @Test func maxConcurrencyGrantsThatManyPerWindow() {
        var pacer = LaunchPacer<ContinuousClock.Instant>(maxConcurrency: 2, spacing: .seconds(5))
        let tickets = (0..<5).map { pacer.enqueue(instance: String($0)) }
        #expect(pacer.grantDue(at: at(0)) == Array(tickets[0..<2]))
        #expect(pacer.grantDue(at: at(4.9)) == [])
        #expect(pacer.grantDue(at: at(5)) == Array(tickets[2..<4]))
        #expect(pacer.grantDue(at: at(10)) == [tickets[4]])
    }

    @Test func anInstanceThatQueuesManyDoesNotStarveTheOthers() {
        var pacer = LaunchPacer<ContinuousClock.Instant>(maxConcurrency: 1, spacing: .seconds(1))
        let flood = (0..<3).map { _ in pacer.enqueue(instance: "0") }
        let other = pacer.enqueue(instance: "1")
        var order: [LaunchPacer<ContinuousClock.Instant>.Ticket] = []
        for second in 0..<4 { order += pacer.grantDue(at: at(Double(second))) }
        #expect(order == [flood[0], other, flood[1], flood[2]])
    }

    @Test func aCancelledRequestGivesUpItsPlace() {
        var pacer = LaunchPacer<ContinuousClock.Instant>(maxConcurrency: 1, spacing: .seconds(1))
        let a = pacer.enqueue(instance: "0")
        let b = pacer.enqueue(instance: "1")
        let c = pacer.enqueue(instance: "2")
        #expect(pacer.grantDue(at: at(0)) == [a])
        pacer.cancel(b)
        #expect(pacer.grantDue(at: at(1)) == [c])
        #expect(pacer.isIdle)
    }
}
