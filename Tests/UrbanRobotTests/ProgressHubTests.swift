@testable import AdminAPI
@testable import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// The store pushes every commit to the hub, which reads nothing after a follower joined: every follower still gets
/// the whole trail of its deployment, once and in order, then `finished`, whether it joined before a commit was
/// queued or while it waited for the hub's service.
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

    static func kinds(_ stream: AsyncThrowingStream<ProgressEvent, any Error>) async throws -> [String] {
        var kinds: [String] = []
        for try await event in stream { kinds.append(event.kind) }
        return kinds
    }

    /// Runs `body` while `hub`'s service runs.
    static func running<T: Sendable>(_ hub: ProgressHub, _ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await hub.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    static func hub(_ store: DeployerStore) -> ProgressHub {
        ProgressHub(store: store, failureLog: FailureLog(stateDirectory: "/nonexistent"))
    }

    @Test func followersGetTheWholeTrailOnceInOrderThenFinished() async throws {
        let store = try DeployerStore.inMemory()
        let hub = Self.hub(store)
        try await Self.running(hub) {
            let followers = try Self.recordTheTrail(store, hub)
            try await Self.expectTheTrail(followers, hub)
        }
    }

    /// The store's step only queues: followers who joined while the steps waited for the hub's service (one
    /// before a commit, one after it) read the stored ones and get each entry once.
    @Test func followersWhoJoinWhileStepsWaitForTheHubGetEachEntryOnce() async throws {
        let store = try DeployerStore.inMemory()
        let hub = Self.hub(store)
        let followers = try Self.recordTheTrail(store, hub)
        try await Self.running(hub) { try await Self.expectTheTrail(followers, hub) }
    }

    static let trail = ["a", "b", "c", "d", "e", "finished"]

    /// Records deployment 1's ``trail`` (and another deployment's entry), with a follower joining before `c` and
    /// one after it; returns the two.
    static func recordTheTrail(
        _ store: DeployerStore, _ hub: ProgressHub
    ) throws -> [AsyncThrowingStream<ProgressEvent, any Error>] {
        try store.record([Self.record(1, .running), Self.entry(1, "a"), Self.entry(1, "b")], snapshot: Self.empty)
        let early = hub.stream(deployment: 1, follow: true)
        try store.record([Self.entry(1, "c"), Self.record(2, .queued), Self.entry(2, "other")], snapshot: Self.empty)
        let late = hub.stream(deployment: 1, follow: true)
        try store.record([Self.entry(1, "d")], snapshot: Self.empty)
        try store.record([Self.entry(1, "e"), Self.record(1, .succeeded)], snapshot: Self.empty)
        return [early, late]
    }

    /// Expects ``trail`` from each of `followers` and from streams opened now, followed or not.
    static func expectTheTrail(
        _ followers: [AsyncThrowingStream<ProgressEvent, any Error>], _ hub: ProgressHub
    ) async throws {
        for follower in followers { #expect(try await Self.kinds(follower) == trail) }
        #expect(try await Self.kinds(hub.stream(deployment: 1, follow: false)) == trail)
        #expect(try await Self.kinds(hub.stream(deployment: 1, follow: true)) == trail)
    }

    @Test func aFollowerOfAQuietDeploymentGetsNothingUntilItsNextStep() async throws {
        let store = try DeployerStore.inMemory()
        let hub = Self.hub(store)
        try store.record([Self.record(1, .running), Self.record(2, .running)], snapshot: Self.empty)
        let quiet = hub.stream(deployment: 1, follow: true)
        for index in 0..<20 {
            try store.record([Self.entry(2, "busy.\(index)")], snapshot: Self.empty)
        }
        try store.record([Self.entry(1, "only"), Self.record(1, .aborted)], snapshot: Self.empty)
        #expect(try await Self.running(hub) { try await Self.kinds(quiet) } == ["only", "finished"])
    }

    /// A live event (a build's line) goes out after the entries committed before it and before those after it.
    @Test func aLiveEventKeepsItsPlaceAmongTheStoredOnes() async throws {
        let store = try DeployerStore.inMemory()
        let hub = Self.hub(store)
        try store.record([Self.record(1, .running), Self.entry(1, "a")], snapshot: Self.empty)
        let follower = hub.stream(deployment: 1, follow: true)
        try store.record([Self.entry(1, "b")], snapshot: Self.empty)
        hub.publishLive(ProgressEvent(
            time: Self.time, deployment: 1, kind: ProgressEvent.buildOutputKind, instance: nil, client: nil,
            detail: [:], message: "line"))
        try store.record([Self.entry(1, "c"), Self.record(1, .succeeded)], snapshot: Self.empty)
        #expect(try await Self.running(hub) { try await Self.kinds(follower) }
            == ["a", "b", ProgressEvent.buildOutputKind, "c", "finished"])
    }
}
