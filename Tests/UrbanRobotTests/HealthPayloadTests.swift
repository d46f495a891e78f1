import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import SocketIO
import Testing

/// A `health_check` payload reads as the engine's `HealthReport` decodes its JSON text with `JSONDecoder`: the same
/// report, or nil for the same payloads.
@Suite struct HealthPayloadTests {
    /// What `JSONDecoder` makes of the payload's text.
    private static func decoded(_ value: JSONValue) -> HealthReport? {
        guard case .object = value else { return nil }
        return try? JSONDecoder().decode(HealthReport.self, from: Data(value.jsonString.utf8))
    }

    @Test func fixedPayloadsReadAsTheDecoderReadsThem() {
        let payloads: [JSONValue] = [
            .object([JSONMember("OK", .bool(true))]),
            .object([JSONMember("OK", .bool(false)), JSONMember("percent", .number(87.5)),
                     JSONMember("cogs", .object([JSONMember("music", .bool(true)), JSONMember("mod", .bool(false))])),
                     JSONMember("details", .object([JSONMember("db", .string("slow"))]))]),
            .object([JSONMember("OK", .number(1))]),
            .object([JSONMember("ok", .bool(true))]),
            .object([JSONMember("OK", .bool(true)), JSONMember("OK", .bool(false))]),
            .object([JSONMember("OK", .bool(false)), JSONMember("percent", .null), JSONMember("cogs", .null)]),
            .object([JSONMember("OK", .bool(true)), JSONMember("percent", .string("90"))]),
            .object([JSONMember("OK", .bool(true)), JSONMember("cogs", .object([JSONMember("a", .number(1))]))]),
            .object([JSONMember("OK", .bool(true)), JSONMember("details", .object([JSONMember("n", .number(3))]))]),
            .object([JSONMember("OK", .bool(true)), JSONMember("details", .string("text"))]),
            .array([.object([JSONMember("OK", .bool(true))])]),
            .string("OK"),
        ]
        for payload in payloads {
            #expect(ChannelPayload.healthReport(in: payload) == Self.decoded(payload), "\(payload.jsonString)")
        }
        #expect(ChannelPayload.healthReport(in: nil) == nil)
    }

    @Test func randomPayloadsReadAsTheDecoderReadsThem() {
        var generator = SystemRandomNumberGenerator()
        let keys = ["OK", "percent", "cogs", "details", "x"]
        func scalar() -> JSONValue {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: .null
            case 1, 2: .bool(Bool.random(using: &generator))
            case 3: .number([0, 42, 99.5, 100, -1, 1e300].randomElement(using: &generator)!)
            case 4: .string(["", "a", "up"].randomElement(using: &generator)!)
            default: .array([])
            }
        }
        func object(_ value: () -> JSONValue) -> JSONValue {
            .object((0..<Int.random(in: 0...3, using: &generator)).map { _ in
                JSONMember(["a", "b", "OK"].randomElement(using: &generator)!, value())
            })
        }
        var compared = 0
        for _ in 0..<6000 {
            let members = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                let key = keys.randomElement(using: &generator)!
                let value: JSONValue
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: value = scalar()
                case 1: value = object { .bool(Bool.random(using: &generator)) }
                default: value = object { Bool.random(using: &generator) ? .string("s") : scalar() }
                }
                return JSONMember(key, key == "OK" && Bool.random(using: &generator) ? .bool(Bool.random(using: &generator)) : value)
            }
            let payload = JSONValue.object(members)
            let expected = Self.decoded(payload)
            #expect(ChannelPayload.healthReport(in: payload) == expected, "\(payload.jsonString)")
            if expected != nil { compared += 1 }
        }
        // Enough payloads decode for the comparison to cover the reports, not only the refusals.
        #expect(compared > 300)
    }
}
