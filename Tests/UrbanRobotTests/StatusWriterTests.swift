import AdminAPI
@testable import FleetDaemon
import FleetTypes
import Foundation
import NIOHTTP1
import Synchronization
import TestSupport
import Testing

/// The status document's direct writer (``AnswerWritable``) writes the bytes of ``StatusSnapshot/encoder``
/// (Foundation's `JSONEncoder`, sorted keys, ISO 8601 dates) and refuses what Foundation refuses, at the same place.
@Suite("Status writer", .serialized, .timeLimit(.minutes(2)))
struct StatusWriterTests {
    @Test("the fixtures' documents are the bytes Foundation writes")
    func fixtures() throws {
        try expectSameBytes(Fixtures.status)
        try expectSameBytes(Fixtures.status(revision: Fixtures.revisionA, deploymentRevision: Fixtures.revisionB))
        try expectSameBytes(Fixtures.status(revision: nil))
        var engine = StatusSnapshot(StatusDocumentTests.engine)
        try expectSameBytes(engine)
        engine.instances[0].active?.place(StatusDocumentTests.swarmRecord())
        engine.instances[1].active?.cpuSeconds = 1.25
        engine.instances[1].active?.rssBytes = 123_456_789
        engine.instances[1].active?.launchedAt = Date(timeIntervalSince1970: -1.5)
        engine.haltReason = "a \"quoted\" reason\nover two lines / with a slash and \u{1} and é and 😀"
        try expectSameBytes(engine)
        // The integers' edges, and a CPU time that is whole.
        engine.instances[0].active?.epoch = Int.min
        engine.instances[0].active?.rssBytes = Int.max
        engine.instances[0].active?.pid = Int32.min
        engine.instances[0].standby?.pid = Int32.max
        engine.instances[0].standby?.restarts = -1
        engine.instances[1].active?.cpuSeconds = 3
        engine.instances[1].epoch = 0
        try expectSameBytes(engine)
        engine.instances = []
        engine.deployment = nil
        try expectSameBytes(engine)
    }

    @Test("random documents are the bytes Foundation writes", arguments: 0..<300)
    func randomDocuments(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        try expectSameBytes(RandomStatus.snapshot(&random))
    }

    @Test("random clients of every shape are the bytes Foundation writes, inside a document")
    func randomClients() throws {
        var random = SplitMix64(seed: 7)
        var status = Fixtures.status
        status.instances = (0..<200).map { index in
            StatusSnapshot.Instance(instance: index, epoch: index, active: RandomStatus.client(&random),
                                    standby: RandomStatus.client(&random), candidate: RandomStatus.client(&random))
        }
        try expectSameBytes(status)
    }

    @Test("a stat or a CPU time JSON cannot hold is refused as Foundation refuses it, with the same place",
          arguments: [
              (JSONValue.number(.nan), nil), (.number(.infinity), nil), (["deep": [1, .number(-.infinity)]], nil),
              (.binary([1, 2]), nil), (0, Double.nan), (0, Double.infinity),
          ] as [(JSONValue, Double?)])
    func nonFiniteNumbers(stat: JSONValue, cpuSeconds: Double?) throws {
        var status = Fixtures.status
        status.instances[1].standby = status.instances[0].active
        status.instances[1].standby?.heartbeat?.stats["latency"] = stat
        status.instances[1].standby?.cpuSeconds = cpuSeconds
        let foundationsPlace = try place(of: { _ = try StatusSnapshot.encoder.encode(status) })
        let ourPlace = try place(of: { _ = try status.answerText() })
        #expect(ourPlace == foundationsPlace)
        #expect(ourPlace.first == "instances" && ourPlace.dropFirst(2).first == "standby", "\(ourPlace)")
    }

    @Test("GET /v1/status answers such a document with a 500 naming the place, as before")
    func nonFiniteAnswer() async throws {
        let control = TestDaemonControl()
        control.state.withLock { $0.status.instances[0].active?.heartbeat?.stats["latency"] = .number(.nan) }
        try await AdminServerHarness.run(control: control) { server in
            let answer = try await server.request(.GET, "/v1/status")
            #expect(answer.status == 500)
            let message = try #require(try AdminServerHarness.object(answer.body)["error"] as? String)
            #expect(message.hasPrefix("cannot encode the answer"), "\(message)")
            #expect(message.contains("latency"), "\(message)")
        }
    }

    @Test("GET /v1/status answers the bytes Foundation writes")
    func statusRoute() async throws {
        let control = TestDaemonControl()
        var random = SplitMix64(seed: 42)
        let status = RandomStatus.snapshot(&random)
        control.state.withLock { $0.status = status }
        try await AdminServerHarness.run(control: control) { server in
            let answer = try await server.request(.GET, "/v1/status")
            #expect(answer.status == 200)
            #expect(answer.body == String(decoding: try StatusSnapshot.encoder.encode(status), as: UTF8.self))
        }
    }

    /// The coding path's keys of the `EncodingError.invalidValue` that `body` throws.
    private func place(of body: () throws -> Void) throws -> [String] {
        do {
            try body()
        } catch EncodingError.invalidValue(_, let context) {
            return context.codingPath.map(\.stringValue)
        }
        Issue.record("nothing was refused")
        return []
    }

    private func expectSameBytes(_ status: StatusSnapshot, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = String(decoding: try status.answerText(), as: UTF8.self)
        let foundations = String(decoding: try StatusSnapshot.encoder.encode(status), as: UTF8.self)
        #expect(ours == foundations, sourceLocation: sourceLocation)
    }
}
