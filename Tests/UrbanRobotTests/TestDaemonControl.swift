@testable import AdminAPI
import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Synchronization

/// A ``DaemonControl`` for the admin API's tests: answers from fixed data and records every call.
final class TestDaemonControl: DaemonControl {
    struct State {
        var calls: [String] = []
        var requests: [DeploymentRequest] = []
        var commands: [OperatorCommand] = []
        var status = Fixtures.status
        var history = Fixtures.history
        var nextID = 7
        var refusal: DaemonControlError?
        var events: [ProgressEvent] = []
        var live: [ProgressFeed] = []
        var logFile = ""
        var tips: [Result<String, DaemonControlError>] = []
        /// The ancestors of each revision, for `isDescendant`; a revision not listed has none.
        var ancestors: [String: Set<String>] = [:]
        /// The events outside any deployment, newest first, routine ones included (`detail["routine"] == "true"`).
        var recentEvents: [ProgressEvent] = []
        /// Follow feeds end after the stored events, as when the daemon stops.
        var followEndsEarly = false
    }

    let state = Mutex(State())

    var calls: [String] { state.withLock { $0.calls } }
    var requests: [DeploymentRequest] { state.withLock { $0.requests } }
    var commands: [OperatorCommand] { state.withLock { $0.commands } }

    private func record(_ call: String) throws {
        try state.withLock { state in
            state.calls.append(call)
            if let refusal = state.refusal { throw refusal }
        }
    }

    func status() async -> StatusSnapshot {
        state.withLock { state in
            state.calls.append("status")
            return state.status
        }
    }

    func history(limit: Int) async throws -> [HistoryEntry] {
        try record("history \(limit)")
        return state.withLock { Array($0.history.prefix(limit)) }
    }

    func deployment(id: Int) async throws -> HistoryEntry? {
        try record("deployment \(id)")
        return state.withLock { $0.history.first { $0.id == id } }
    }

    func requestDeployment(_ request: DeploymentRequest) async throws -> Int {
        try record("request \(request.trigger.rawValue) \(request.ref ?? "nil")")
        return state.withLock { state in
            state.requests.append(request)
            state.nextID += 1
            return state.nextID - 1
        }
    }

    func perform(_ command: OperatorCommand) async throws {
        try record("perform \(command)")
        state.withLock { $0.commands.append(command) }
    }

    func progress(deployment id: Int, follow: Bool) async throws -> ProgressFeed {
        try record("progress \(id) \(follow)")
        let feed = ProgressFeed()
        state.withLock { state in
            feed.append(state.events.map(ProgressFeed.Item.event))
            if follow, !state.followEndsEarly, state.events.last?.kind != ProgressEvent.finishedKind {
                state.live.append(feed)
            } else {
                feed.finish()
            }
        }
        return feed
    }

    /// Sends `event` to every follower; a `finished` event ends their feeds.
    func emit(_ event: ProgressEvent) {
        state.withLock { state in
            state.events.append(event)
            for feed in state.live {
                feed.append([.event(event)])
                if event.kind == ProgressEvent.finishedKind { feed.finish() }
            }
            if event.kind == ProgressEvent.finishedKind { state.live = [] }
        }
    }

    /// How many follow feeds are open.
    var followers: Int { state.withLock { $0.live.count } }

    func recentEvents(limit: Int, routine: Bool) async throws -> [ProgressEvent] {
        try record("events \(limit) \(routine)")
        return state.withLock { state in
            Array(state.recentEvents.filter { routine || $0.detail["routine"] != "true" }.prefix(limit))
        }
    }

    func logFile(instance: Int, client: String?) async throws -> String {
        try record("logs \(instance) \(client ?? "active")")
        return try state.withLock { state in
            guard instance == 0 else { throw DaemonControlError(code: .notFound, message: "no instance \(instance)") }
            return state.logFile
        }
    }

    func fetchBranchTip() async throws -> String {
        try state.withLock { state in
            state.calls.append("fetch")
            guard !state.tips.isEmpty else { throw DaemonControlError(code: .invalid, message: "no tip scripted") }
            return try (state.tips.count > 1 ? state.tips.removeFirst() : state.tips[0]).get()
        }
    }

    func isDescendant(_ revision: String, of ancestor: String) async throws -> Bool {
        state.withLock { state in
            state.calls.append("ancestry \(revision) \(ancestor)")
            return state.ancestors[revision]?.contains(ancestor) == true
        }
    }
}
