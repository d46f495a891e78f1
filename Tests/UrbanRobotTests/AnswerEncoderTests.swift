import AdminAPI
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
            value: RandomJSON.value(&random),
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
}
