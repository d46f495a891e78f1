import AdminAPI
@testable import FleetDaemon
import Foundation
import NIOCore
import Testing

/// A followed deployment's lines (`GET /v1/deployments/{id}/events`) are the bytes Foundation's encoder writes
/// with the admin API's settings, now that `ProgressLine` encodes with `AnswerEncoder`.
@Suite struct ProgressLineEncodingTests {
    @Test(arguments: [
        Fixtures.event("gate.passed", "shard-0.4 passed its health check", instance: 0, client: "shard-0.4",
                       detail: ["percent": "100"], at: 12.5),
        Fixtures.event("deployment.started", "Deploying main.", detail: [:], at: -0.25),
        Fixtures.event("finished", "Rolled back: \"shard-1.2\" failed / exited", instance: 1, client: "shard-1.2",
                       detail: ["outcome": "rolled-back", "reason": "exited (1)", "log_tail": "line\n\u{1}é🙂"], at: 3),
        Fixtures.event("finished", "Succeeded.", detail: ["outcome": "succeeded"], at: 4),
    ])
    func aLineIsTheBytesFoundationWrites(event: ProgressEvent) throws {
        let line = ProgressLine(event: event)
        var expected = try StatusSnapshot.encoder.encode(line)
        expected.append(UInt8(ascii: "\n"))
        let written = try line.encoded()
        #expect(Array(written.readableBytesView) == Array(expected))
    }
}
