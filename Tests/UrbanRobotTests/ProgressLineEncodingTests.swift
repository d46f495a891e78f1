import AdminAPI
@testable import FleetDaemon
import Foundation
import NIOCore
import Testing
import TestSupport

/// A followed deployment's lines (`GET /v1/deployments/{id}/events`) are the bytes Foundation's encoder writes
/// for `ProgressLine`'s `Encodable` form with the admin API's settings, now that the line is written directly
/// (`ProgressEvent.writeLine(to:)`).
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

    /// Random events: `finished` or not, each optional member there or not, details with keys whose UTF-8 order
    /// differs from their characters' (`é`, `Z`, `_`), text that needs escaping, times before 1970 and fractional.
    @Test(arguments: 0..<8)
    func randomLinesAreTheBytesFoundationWrites(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let texts = ["", "a", "Z", "_x", "é", "e\u{301}", "line\nnext", "tab\t\"quote\" \\ /", "\u{1}\u{1f}", "🙂 ok", "outcome",
                     "reason", "log_tail", "revision"]
        for _ in 0..<100 {
            var detail: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                detail[texts.randomElement(using: &random)!] = texts.randomElement(using: &random)!
            }
            let event = ProgressEvent(
                time: Date(timeIntervalSince1970: Double.random(in: -1e6...2e9, using: &random)),
                deployment: Bool.random(using: &random) ? Int.random(in: -3...100_000, using: &random) : nil,
                kind: Bool.random(using: &random) ? ProgressEvent.finishedKind : texts.randomElement(using: &random)!,
                instance: Bool.random(using: &random) ? Int.random(in: 0...500, using: &random) : nil,
                client: Bool.random(using: &random) ? texts.randomElement(using: &random)! : nil,
                detail: detail, message: texts.randomElement(using: &random)!)
            try aLineIsTheBytesFoundationWrites(event: event)
        }
    }
}
