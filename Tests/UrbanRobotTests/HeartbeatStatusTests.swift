import AdminAPI
import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import SocketIO
import Testing

/// The `heartbeat` key of each client in `status --json`, and how a bot's heartbeat payload is kept.
@Suite("Heartbeat in status")
struct HeartbeatStatusTests {
    static let at = ISO8601DateFormatter().date(from: "2026-11-27T06:02:48Z")!

    /// The fixture's active client of instance 0 with this heartbeat.
    static func client(_ heartbeat: StatusSnapshot.Heartbeat?) -> StatusSnapshot.Client {
        var client = Fixtures.status.instances[0].active!
        client.heartbeat = heartbeat
        return client
    }

    static func encoded(_ client: StatusSnapshot.Client) throws -> [String: Any] {
        let data = try StatusSnapshot.encoder.encode(client)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("a client that never sent a heartbeat has \"heartbeat\": null, every other key kept")
    func nullHeartbeat() throws {
        let text = String(decoding: try StatusSnapshot.encoder.encode(Self.client(nil)), as: UTF8.self)
        #expect(text.contains(#""heartbeat":null"#), "\(text)")
        let object = try Self.encoded(Self.client(nil))
        #expect(Set(object.keys) == ["client", "revision", "pid", "state", "epoch", "since", "heartbeat", "confirm_by",
                                     "restarts", "rss_bytes", "cpu_seconds", "launched_at"])
    }

    @Test("a heartbeat is {\"at\": ISO 8601, \"stats\": the object as the bot sent it}")
    func presentHeartbeat() throws {
        let stats: [String: JSONValue] = [
            "guilds": .number(1500), "latency": .number(0.042), "simulated": .bool(true), "shard": .null,
            "cogs": .array([.string("music")]), "memory": .object([JSONMember("rss_mb", .number(81.5))]),
        ]
        let client = Self.client(StatusSnapshot.Heartbeat(at: Self.at, stats: stats))
        let text = String(decoding: try StatusSnapshot.encoder.encode(client), as: UTF8.self)
        #expect(text.contains(#""heartbeat":{"at":"2026-11-27T06:02:48Z","stats":{"cogs":["music"],"guilds":1500,"#
            + #""latency":0.042,"memory":{"rss_mb":81.5},"shard":null,"simulated":true}}"#), "\(text)")
        let decoded = try Fixtures.decoder.decode(StatusSnapshot.Client.self, from: Data(text.utf8))
        #expect(decoded == client)
    }

    @Test("a snapshot from a daemon without heartbeats decodes with none")
    func olderSnapshot() {
        #expect(Fixtures.status.instances[1].candidate?.heartbeat == nil)
        #expect(Fixtures.status.instances[0].active?.heartbeat?.stats["guilds"] == .number(1500))
    }

    @Test("the stats are kept as sent; none or a non-object is {}")
    func statsAsSent() throws {
        let payload = try JSONValue(parsing: #"{"guilds":12,"latency":0.05,"name":"shard \"a\"","nested":{"x":[1,true]}}"#)
        let heartbeat = HeartbeatStats.heartbeat(from: payload, at: Self.at)
        #expect(heartbeat.at == Self.at)
        #expect(heartbeat.stats == [
            "guilds": .number(12), "latency": .number(0.05), "name": .string(#"shard "a""#),
            "nested": .object([JSONMember("x", .array([.number(1), .bool(true)]))]),
        ])
        #expect(HeartbeatStats.heartbeat(from: nil, at: Self.at).stats == [:])
        #expect(HeartbeatStats.heartbeat(from: .array([.number(1)]), at: Self.at).stats == [:])
        #expect(HeartbeatStats.heartbeat(from: .string("alive"), at: Self.at).stats == [:])
    }

    @Test("nested objects keep the bot's order in memory; decoded from status --json their keys are sorted")
    func nestedObjectOrder() throws {
        let payload = try JSONValue(parsing: #"{"memory":{"rss_mb":81.5,"heap_mb":40,"peak_mb":90}}"#)
        let heartbeat = HeartbeatStats.heartbeat(from: payload, at: Self.at)
        #expect(heartbeat.stats["memory"] == payload["memory"])
        let client = Self.client(heartbeat)
        let text = String(decoding: try StatusSnapshot.encoder.encode(client), as: UTF8.self)
        #expect(text.contains(#""stats":{"memory":{"heap_mb":40,"peak_mb":90,"rss_mb":81.5}}"#), "\(text)")
        let decoded = try Fixtures.decoder.decode(StatusSnapshot.Client.self, from: Data(text.utf8))
        #expect(decoded.heartbeat?.stats["memory"] == .object([
            JSONMember("heap_mb", 40), JSONMember("peak_mb", 90), JSONMember("rss_mb", 81.5),
        ]))
    }

    @Test("a repeated key keeps its last value, as JSON.parse does")
    func repeatedKey() throws {
        let payload = try JSONValue(parsing: #"{"guilds":1,"guilds":2}"#)
        #expect(HeartbeatStats.heartbeat(from: payload, at: Self.at).stats == ["guilds": .number(2)])
    }

    @Test("binary attachments in the stats are kept as their placeholders, so status still encodes")
    func binaryStats() throws {
        let payload: JSONValue = ["guilds": 3, "dump": .binary([1, 2, 3]), "more": [.binary([4])]]
        let stats = HeartbeatStats.heartbeat(from: payload, at: Self.at).stats
        #expect(stats["dump"] == ["_placeholder": true, "num": 0])
        #expect(stats["more"] == [["_placeholder": true, "num": 1]])
        let text = String(decoding: try StatusSnapshot.encoder.encode(
            Self.client(StatusSnapshot.Heartbeat(at: Self.at, stats: stats))), as: UTF8.self)
        #expect(text.contains(#""dump":{"_placeholder":true,"num":0}"#), "\(text)")
        #expect(throws: EncodingError.self) {
            try StatusSnapshot.encoder.encode(Self.client(StatusSnapshot.Heartbeat(at: Self.at, stats: ["raw": .binary([1])])))
        }
    }

    @Test("stats nested as deep as the channel accepts are kept, and encode")
    func deeplyNestedStats() throws {
        let depth = 500
        let text = "{\"a\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        let stats = HeartbeatStats.heartbeat(from: try JSONValue(parsing: text), at: Self.at).stats
        var level = try #require(stats["a"])
        var levels = 0
        while case .array(let elements) = level, let first = elements.first {
            level = first
            levels += 1
        }
        #expect(levels == depth - 1)
        let encoded = try StatusSnapshot.encoder.encode(Self.client(StatusSnapshot.Heartbeat(at: Self.at, stats: stats)))
        #expect(String(decoding: encoded, as: UTF8.self).contains(String(repeating: "[", count: depth) + "]"))
    }

    @Test("stats over the size limit are replaced by a note, keeping numeric guilds and latency")
    func oversizedStats() throws {
        let padding = String(repeating: "x", count: HeartbeatStats.byteLimit)
        let payload = try JSONValue(parsing: #"{"guilds":7,"latency":0.031,"shard":"\#(padding)"}"#)
        let stats = HeartbeatStats.heartbeat(from: payload, at: Self.at).stats
        #expect(Set(stats.keys) == ["guilds", "latency", "truncated"])
        #expect(stats["guilds"] == .number(7) && stats["latency"] == .number(0.031))
        guard case .string(let note)? = stats["truncated"] else {
            Issue.record("no note: \(stats)")
            return
        }
        #expect(note.contains("over the \(HeartbeatStats.byteLimit)-byte limit"), "\(note)")
        let stringGuilds = try JSONValue(parsing: #"{"guilds":"\#(padding)"}"#)
        #expect(Set(HeartbeatStats.heartbeat(from: stringGuilds, at: Self.at).stats.keys) == ["truncated"])
        let justFits = try JSONValue(parsing: #"{"s":"\#(String(repeating: "y", count: HeartbeatStats.byteLimit - 8))"}"#)
        #expect(justFits.jsonString.utf8.count == HeartbeatStats.byteLimit)
        #expect(HeartbeatStats.heartbeat(from: justFits, at: Self.at).stats["truncated"] == nil)
    }
}
