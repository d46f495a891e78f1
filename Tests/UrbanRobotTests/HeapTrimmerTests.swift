import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

@Suite("Heap trimmer")
struct HeapTrimmerTests {
    static func record(_ id: Int, _ outcome: DeploymentOutcome) -> DeployerAction {
        var record = DeploymentRecord(id: id, request: DeploymentRequest(ref: "main", trigger: .push), at: Date())
        record.outcome = outcome
        return .recordDeployment(record)
    }

    @Test("only a deployment record with a terminal outcome asks for a trim")
    func whatAsksForATrim() {
        for outcome in [DeploymentOutcome.succeeded, .rolledBack, .aborted, .failed] {
            #expect(HeapTrimmer.asksForTrim(Self.record(1, outcome)), "\(outcome.rawValue)")
        }
        #expect(!HeapTrimmer.asksForTrim(Self.record(1, .queued)))
        #expect(!HeapTrimmer.asksForTrim(Self.record(1, .running)))
        #expect(!HeapTrimmer.asksForTrim(.audit(AuditEntry(deployment: 1, time: Date(), kind: "deployment.finished"))))
    }

    @Test("each deployment's end is followed by a trim, off the caller's thread")
    func trimsAfterEachDeployment() async {
        let (trims, trimmed) = AsyncStream<Void>.makeStream()
        let trimmer = HeapTrimmer(trim: { trimmed.yield() })
        var iterator = trims.makeAsyncIterator()
        for id in 1...5 {
            trimmer.observe(Self.record(id, .running))
            trimmer.observe(Self.record(id, .succeeded))
            #expect(await iterator.next() != nil, "no trim after deployment \(id)")
        }
    }
}
