import AdminAPI
import Deployer
import FleetTypes
import Foundation
import TestSupport
import Testing

/// `AnswerEncoder` writes the same bytes as Foundation's encoder with the admin API's settings (sorted keys,
/// ISO 8601 dates): for the status, history and progress documents, and for random values of every JSON shape.
@Suite struct AnswerEncoderTests {
    @Test func theAdminDocumentsAreTheBytesFoundationWrites() throws {
        var status = Fixtures.status
        status.instances[0].active?.rssBytes = 123_456_789
        status.instances[0].active?.cpuSeconds = 1.25
        status.instances[0].active?.launchedAt = Date(timeIntervalSince1970: 1_795_000_000.75)
        status.instances[1].active?.confirmBy = Date(timeIntervalSince1970: -1.5)
        status.haltReason = "a \"quoted\" reason\nover two lines / with a slash and \u{1} and é"
        try expectSameBytes(status)
        try expectSameBytes(Fixtures.history)
        try expectSameBytes(Fixtures.event("gate.passed", "shard-0.4 passed its health check", instance: 0,
                                           client: "shard-0.4", detail: ["percent": "100"], at: 12.5))
    }

    @Test(arguments: 0..<40) func randomValuesAreTheBytesFoundationWrites(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        let document = Document(
            value: Self.randomValue(&random, depth: 0),
            dates: (0..<4).map { _ in Date(timeIntervalSince1970: Double.random(in: -3e9...4e9, using: &random)) },
            missing: nil, count: Int.random(in: Int.min...Int.max, using: &random))
        try expectSameBytes(document)
    }

    @Test func aNumberJSONCannotHoldIsRefusedWithItsPlace() throws {
        let value: JSONValue = ["stats": ["latency": .number(.nan)]]
        #expect(throws: EncodingError.self) { try AnswerEncoder().encode(value) }
        do {
            _ = try AnswerEncoder().encode(value)
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["stats", "latency"])
        }
    }

    /// A document with the field kinds the answers use.
    private struct Document: Encodable {
        let value: JSONValue
        let dates: [Date]
        let missing: Int?
        let count: Int

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(value, forKey: .value)
            try container.encode(dates, forKey: .dates)
            try container.encode(missing, forKey: .missing)
            try container.encode(count, forKey: .count)
        }

        enum CodingKeys: String, CodingKey { case value, dates, missing, count }
    }

    private func expectSameBytes(_ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = try AnswerEncoder().encode(value)
        let foundations = [UInt8](try StatusSnapshot.encoder.encode(value))
        #expect(String(decoding: ours, as: UTF8.self) == String(decoding: foundations, as: UTF8.self),
                sourceLocation: sourceLocation)
    }

    /// A random JSON value: every kind, strings with escapes and characters outside the BMP, keys that collide,
    /// numbers whole, fractional, tiny, huge and negative zero.
    private static func randomValue(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth < 3 ? 7 : 5), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(randomNumber(&random))
        case 3, 4: return .string(randomString(&random))
        case 5:
            return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            let members = (0..<Int.random(in: 0...6, using: &random)).map { _ in
                JSONMember(randomString(&random, short: true), randomValue(&random, depth: depth + 1))
            }
            return .object(members)
        }
    }

    private static func randomNumber(_ random: inout SplitMix64) -> Double {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return Double(Int.random(in: -1_000_000...1_000_000, using: &random))
        case 1: return Double.random(in: -1000...1000, using: &random)
        case 2: return Double(sign: .plus, exponent: Int.random(in: -1000...1000, using: &random), significand: 1.5)
        case 3: return -0.0
        case 4: return Double(Int64.random(in: Int64.min...Int64.max, using: &random))
        default: return Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &random) & 0x7FEF_FFFF_FFFF_FFFF)
        }
    }

    private static func randomString(_ random: inout SplitMix64, short: Bool = false) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "b", "B", "_", "1", "9", "/", "\\", "\"", "\u{0}", "\u{8}", "\u{9}",
                                          "\u{a}", "\u{c}", "\u{d}", "\u{1b}", "\u{1f}", "\u{7f}", "é", "\u{301}",
                                          "\u{2028}", "€", "😀", " "]
        let length = Int.random(in: 0...(short ? 2 : 12), using: &random)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<length { scalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &random)]) }
        return String(scalars)
    }
}
