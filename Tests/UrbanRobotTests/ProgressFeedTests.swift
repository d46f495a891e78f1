import AdminAPI
@testable import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// A reader of a `ProgressFeed` gets everything appended, once and in order (stored entries as their events), all
/// that is ready in one batch, then the end or the failure; a cancelled reader stops; the hub lets go of the feed
/// of a reader that left.
@Suite(.timeLimit(.minutes(1))) struct ProgressFeedTests {
    struct Failed: Error {}

    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    static func entry(_ kind: String, instance: Int = 0) -> AuditEntry {
        AuditEntry(deployment: 3, time: time, kind: kind, instance: instance, detail: ["k": kind])
    }

    static func event(_ kind: String) -> ProgressEvent {
        ProgressEvent(time: time, deployment: 3, kind: kind, message: kind)
    }

    @Test func everythingReadyComesInOneBatchInOrderEntriesAsTheirEvents() async throws {
        let feed = ProgressFeed()
        let entries = [Self.entry("gate.passed"), Self.entry("handover.committed", instance: 1)]
        feed.append(entries.map(ProgressFeed.Item.entry))
        feed.append([.event(Self.event("build.output"))])
        var reader = feed.makeAsyncIterator()
        let batch = try #require(try await reader.nextBatch())
        #expect(batch == entries.map(ProgressHub.event) + [Self.event("build.output")])
        #expect(batch[0].message == ProgressSentence.make(for: entries[0]))
        feed.finish()
        #expect(try await reader.nextBatch() == nil)
    }

    @Test func aWaitingReaderGetsWhatComesThenTheEnd() async throws {
        let feed = ProgressFeed()
        let kinds = Task {
            var kinds: [String] = []
            for try await event in feed { kinds.append(event.kind) }
            return kinds
        }
        for index in 0..<50 { feed.append([.event(Self.event("e\(index)"))]) }
        feed.finish()
        feed.append([.event(Self.event("after the end"))])
        #expect(try await kinds.value == (0..<50).map { "e\($0)" })
    }

    @Test func theFailureComesAfterTheEventsThenNothing() async throws {
        let feed = ProgressFeed()
        feed.append([.event(Self.event("a")), .event(Self.event("b"))])
        feed.finish(throwing: Failed())
        var reader = feed.makeAsyncIterator()
        #expect(try await reader.next()?.kind == "a")
        #expect(try await reader.next()?.kind == "b")
        await #expect(throws: Failed.self) { try await reader.next() }
        #expect(try await reader.next() == nil)
    }

    @Test func aCancelledReaderStops() async throws {
        let feed = ProgressFeed()
        let (waiting, startWaiting) = AsyncStream.makeStream(of: Void.self)
        let reader = Task {
            var reader = feed.makeAsyncIterator()
            startWaiting.finish()
            return try await reader.nextBatch()
        }
        for await _ in waiting {}
        reader.cancel()
        #expect(try await reader.value == nil)
    }

    @Test func theHubLetsGoOfTheFeedOfAReaderThatLeft() async throws {
        let store = try DeployerStore.inMemory()
        let hub = ProgressHub(store: store, failureLog: FailureLog(stateDirectory: "/nonexistent"))
        var record = DeploymentRecord(id: 3, request: DeploymentRequest(ref: "main", trigger: .cli), at: Self.time)
        record.outcome = .running
        record.startedAt = Self.time
        let empty = EngineSnapshot(clients: [], epochs: [:], haltReason: nil, deployment: nil)
        try store.record([.recordDeployment(record), .audit(Self.entry("a"))], snapshot: empty)
        weak var left: ProgressFeed?
        do {
            let feed = hub.feed(deployment: 3, follow: true)
            var reader = feed.makeAsyncIterator()
            #expect(try await reader.nextBatch()?.map(\.kind) == ["a"])
            #expect(hub.followers == 1)
            left = feed
        }
        #expect(left == nil, "the hub still holds the feed of a reader that left")
        #expect(hub.followers == 0)
        try store.record([.audit(Self.entry("b"))], snapshot: empty)
        #expect(hub.followers == 0)
    }
}
