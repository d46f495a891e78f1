@testable import Deployer
import FleetTypes
import Foundation
import Testing
import TestSupport

/// The audit detail's JSON is Foundation's `JSONEncoder` text with sorted keys, byte for byte, and reads back as the
/// same details.
@Suite struct AuditDetailTextTests {
    /// Foundation's text of `detail`, keys sorted.
    private static func foundation(_ detail: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(detail), as: UTF8.self)
    }

    @Test func fixedDetailsAsFoundationWritesThem() throws {
        let details: [[String: String]] = [
            [:],
            ["reason": "stop"],
            ["exit": "exited(code: 0)", "role": "retiring"],
            ["message": "quote \" backslash \\ slash / tab \t newline \n nul \u{0} bell \u{7} escape \u{1B} del \u{7F}"],
            ["é": "naïve ✓ 🚀", "a": "", "B": "upper before lower", "aa": "longer after shorter"],
        ]
        for detail in details {
            let text = AuditDetailText.json(detail)
            #expect(text == (try Self.foundation(detail)))
            #expect(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) == detail)
        }
    }

    @Test func randomDetailsAsFoundationWritesThem() throws {
        var generator = SystemRandomNumberGenerator()
        func randomString() -> String { RandomJSONText.string(maxLength: 12, using: &generator) }
        for _ in 0..<500 {
            var detail: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &generator) { detail[randomString()] = randomString() }
            let text = AuditDetailText.json(detail)
            #expect(text == (try Self.foundation(detail)), "\(detail)")
            #expect(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) == detail)
        }
    }
}
