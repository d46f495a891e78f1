@testable import AdminAPI
@testable import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// The store pushes every commit to the hub, which reads nothing after a follower joined: every follower still gets
/// the whole trail of its deployment, once and in order, then `finished`.
@Suite struct ProgressHubTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)
    static let empty = EngineSnapshot(clients: [], epochs: [:], haltReason: nil, deployment: nil)

    static func entry(_ deployment: Int, _ kind: String) -> DeployerAction {
        .audit(AuditEntry(deployment: deployment, time: time, kind: kind, instance: 0, detail: ["k": kind]))
    }

    static func record(_ id: Int, _ outcome: DeploymentOutcome) -> DeployerAction {
        var record = DeploymentRecord(id: id, request: DeploymentRequest(ref: "main", trigger: .cli), at: time)
        record.outcome = outcome
        record.startedAt = time
        if outcome.isTerminal { record.finishedAt = time }
        return .recordDeployment(record)
    }

    static func kinds(_ feed: ProgressFeed) async throws -> [String] {
        var kinds: [String] = []
        for try await event in feed { kinds.append(event.kind) }
        return kinds
    }

    @Test func followersGetTheWholeTrailOnceInOrderThenFinished() async throws {
        let store = try DeployerStore.inMemory()
        let hub = ProgressHub(store: store, failureLog: FailureLog(stateDirectory: "/nonexistent"))
        try store.record([Self.record(1, .running), Self.entry(1, "a"), Self.entry(1, "b")], snapshot: Self.empty)
        let early = hub.feed(deployment: 1, follow: true)

        try store.record([Self.entry(1, "c"), Self.record(2, .queued), Self.entry(2, "other")], snapshot: Self.empty)
        let late = hub.feed(deployment: 1, follow: true)
        try store.record([Self.entry(1, "d")], snapshot: Self.empty)
        try store.record([Self.entry(1, "e"), Self.record(1, .succeeded)], snapshot: Self.empty)

        let trail = ["a", "b", "c", "d", "e", "finished"]
        #expect(try await Self.kinds(early) == trail)
        #expect(try await Self.kinds(late) == trail)
        #expect(try await Self.kinds(hub.feed(deployment: 1, follow: false)) == trail)
        #expect(try await Self.kinds(hub.feed(deployment: 1, follow: true)) == trail)
    }

    @Test func aFollowerOfAQuietDeploymentGetsNothingUntilItsNextStep() async throws {
        let store = try DeployerStore.inMemory()
        let hub = ProgressHub(store: store, failureLog: FailureLog(stateDirectory: "/nonexistent"))
        try store.record([Self.record(1, .running), Self.record(2, .running)], snapshot: Self.empty)
        let quiet = hub.feed(deployment: 1, follow: true)
        for index in 0..<20 {
            try store.record([Self.entry(2, "busy.\(index)")], snapshot: Self.empty)
        }
        try store.record([Self.entry(1, "only"), Self.record(1, .aborted)], snapshot: Self.empty)
        #expect(try await Self.kinds(quiet) == ["only", "finished"])
    }
}
