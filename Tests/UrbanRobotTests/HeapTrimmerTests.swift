import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Synchronization
import Testing

@Suite("Heap trimmer")
struct HeapTrimmerTests {
    static func record(_ id: Int, _ outcome: DeploymentOutcome) -> DeployerAction {
        var record = DeploymentRecord(id: id, request: DeploymentRequest(ref: "main", trigger: .push), at: Date())
        record.outcome = outcome
        return .recordDeployment(record)
    }

    static func audit(_ event: AuditEvent) -> DeployerAction {
        .audit(AuditEntry(deployment: 1, time: Date(), event: event, instance: 0, client: ClientID(rawValue: "c1")))
    }

    static let exit = audit(.clientExited(exit: .exited(code: 0), role: .standby))

    /// The settle checks a trimmer scheduled, run by hand.
    final class ManualSchedule: Sendable {
        private let jobs = Mutex<[(delay: Duration, job: @Sendable () -> Void)]>([])

        var scheduler: HeapTrimmer.Scheduler { { delay, job in self.jobs.withLock { $0.append((delay, job)) } } }
        var pending: [Duration] { jobs.withLock { $0.map(\.delay) } }

        /// Runs the first scheduled job; false when none was scheduled.
        func runNext() -> Bool {
            guard let next = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return false }
            next.job()
            return true
        }
    }

    @Test("a deployment's end asks for a trim; an exit asks only while no deployment runs")
    func whatAsksForATrim() {
        for outcome in [DeploymentOutcome.succeeded, .rolledBack, .aborted, .failed] {
            var runs = true
            #expect(HeapTrimmer.asksForTrim(Self.record(1, outcome), deploymentRuns: &runs), "\(outcome.rawValue)")
            #expect(!runs)
        }
        for outcome in [DeploymentOutcome.queued, .running] {
            var runs = false
            #expect(!HeapTrimmer.asksForTrim(Self.record(1, outcome), deploymentRuns: &runs), "\(outcome.rawValue)")
            #expect(runs)
        }
        var runs = false
        #expect(HeapTrimmer.asksForTrim(Self.exit, deploymentRuns: &runs))
        #expect(!HeapTrimmer.asksForTrim(Self.audit(.clientLost(role: .standby)), deploymentRuns: &runs))
        runs = true
        #expect(!HeapTrimmer.asksForTrim(Self.exit, deploymentRuns: &runs))
        #expect(runs)
    }

    @Test("the trim waits until neither a deployment's end nor an exit came for a whole settle time")
    func trimWaitsForTheExitsAfterTheEnd() {
        let schedule = ManualSchedule()
        let trims = Atomic<Int>(0)
        let trimmer = HeapTrimmer(settleTime: .milliseconds(700), schedule: schedule.scheduler) {
            trims.add(1, ordering: .relaxed)
        }
        trimmer.observe(Self.record(1, .running))
        trimmer.observe(Self.exit)
        #expect(schedule.pending.isEmpty, "an exit during the deployment asked for a trim")

        trimmer.observe(Self.record(1, .succeeded))
        #expect(schedule.pending == [.milliseconds(700)])
        for _ in 1...3 { trimmer.observe(Self.exit) }  // the retired standbys exit after the end
        #expect(schedule.pending.count == 1, "each ask scheduled a check of its own")

        #expect(schedule.runNext())
        #expect(trims.load(ordering: .relaxed) == 0, "trimmed while the standbys were still exiting")
        #expect(schedule.pending == [.milliseconds(700)], "the check did not wait once more")
        #expect(schedule.runNext())
        #expect(trims.load(ordering: .relaxed) == 1)
        #expect(schedule.pending.isEmpty)

        trimmer.observe(Self.exit)  // a crash later, with no deployment: one more trim after it settles
        #expect(schedule.runNext())
        #expect(trims.load(ordering: .relaxed) == 2)
        #expect(!schedule.runNext())
    }

    @Test("each deployment's end is followed by a trim, off the caller's thread")
    func trimsAfterEachDeployment() async {
        let (trims, trimmed) = AsyncStream<Void>.makeStream()
        let trimmer = HeapTrimmer(settleTime: .milliseconds(10), trim: { trimmed.yield() })
        var iterator = trims.makeAsyncIterator()
        for id in 1...5 {
            trimmer.observe(Self.record(id, .running))
            trimmer.observe(Self.record(id, .succeeded))
            trimmer.observe(Self.exit)
            #expect(await iterator.next() != nil, "no trim after deployment \(id)")
        }
    }
}
