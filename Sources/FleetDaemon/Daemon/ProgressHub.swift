import AdminAPI
import Deployer
import FleetTypes
import Foundation
import Synchronization

/// The progress feeds of ``DaemonControl/progress(deployment:follow:)``: the stored events of a deployment, then
/// the new ones as the engine makes them, ending with `finished`.
///
/// The store is the single source: a new follower reads the trail stored so far, then the store pushes every
/// committed transaction's entries and deployment rows to the hub (``DeployerStore/observeCommits(_:)``), which
/// hands each follower's ``ProgressFeed`` those of its deployment it has not had (by row id) and ends it when the
/// deployment's row becomes terminal. The live feed is thus exactly the stored trail, in its order, with nothing
/// lost or sent twice, and following costs a step only its new entries: nothing is read again.
final class ProgressHub: Sendable {
    private struct Subscriber {
        var deployment: Int
        /// Held weakly: the reader's letting go of it ends the subscription.
        weak var feed: ProgressFeed?
        /// The row id of the last entry sent (0: none yet).
        var delivered: Int64 = 0
    }

    /// What one commit gives one follower: its items, and whether its feed ends with them.
    private struct Delivery {
        var feed: ProgressFeed?
        var items: [ProgressFeed.Item]
        var ends: Bool
    }

    private struct State {
        var subscribers: [Int: Subscriber] = [:]
        var nextID = 0
    }

    private let store: DeployerStore
    private let failureLog: FailureLog
    private let state = Mutex(State())

    /// A hub following `store`'s commits; a failed deployment's `finished` event carries the end of the failing
    /// client's log from `failureLog`.
    init(store: DeployerStore, failureLog: FailureLog) {
        self.store = store
        self.failureLog = failureLog
        store.observeCommits { [weak self] step in self?.deliver(step) }
    }

    /// The events of `deployment`: the stored ones, then (with `follow`) the new ones until the deployment is
    /// terminal; the last event is `finished` once it is.
    func feed(deployment: Int, follow: Bool) -> ProgressFeed {
        let feed = ProgressFeed()
        guard follow else {
            do {
                feed.append(try store.events(deployment: deployment).map(ProgressFeed.Item.entry))
                if let finished = try finishedEvent(of: deployment) { feed.append([.event(finished)]) }
                feed.finish()
            } catch {
                feed.finish(throwing: error)
            }
            return feed
        }
        // Read and registered under the lock that `deliver` takes: a commit is either in the trail read here or
        // delivered afterwards (entries up to `delivered` are skipped), never both, never neither.
        let joined = state.withLock { state -> Result<Int?, any Error> in
            do {
                let entries = try store.events(deployment: deployment, after: 0)
                feed.append(entries.map { .entry($0.entry) })
                if let finished = try finishedEvent(of: deployment) {
                    feed.append([.event(finished)])
                    return .success(nil)
                }
                state.nextID += 1
                state.subscribers[state.nextID] = Subscriber(
                    deployment: deployment, feed: feed, delivered: entries.last?.id ?? 0)
                return .success(state.nextID)
            } catch {
                return .failure(error)
            }
        }
        switch joined {
        case .success(let id?):
            feed.whenDropped { [weak self] in
                self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
            }
        case .success(nil):
            feed.finish()
        case .failure(let error):
            feed.finish(throwing: error)
        }
        return feed
    }

    /// How many feeds the hub writes to (a follower that left counts no more).
    var followers: Int {
        state.withLock { $0.subscribers.count }
    }

    /// Hands `event` to the followers of its deployment without storing it: output as it comes (a build's lines,
    /// ``ProgressEvent/buildOutputKind``), which the trail does not keep (the build log does).
    func publishLive(_ event: ProgressEvent) {
        let feeds = state.withLock { state in
            state.subscribers.values.filter { $0.deployment == event.deployment }.compactMap(\.feed)
        }
        for feed in feeds { feed.append([.event(event)]) }
    }

    /// Hands the followers what a committed transaction stored, as it is (each reader builds the events), and ends
    /// the feeds of the deployments it made terminal (called by the store, inside the driver's step, one commit
    /// after the other).
    private func deliver(_ step: CommittedStep) {
        // The feeds are written outside the lock: the last reference to a feed may be the one taken here, and a
        // feed let go of leaves the hub under the lock.
        let deliveries = state.withLock { state -> [Delivery] in
            guard !state.subscribers.isEmpty else { return [] }
            var finished: [Int: ProgressEvent] = [:]
            for record in step.deployments where record.outcome.isTerminal {
                let subscribed = state.subscribers.values.contains { $0.deployment == record.id }
                if subscribed { finished[record.id] = finishedEvent(record) }
            }
            var deliveries: [Delivery] = []
            for (id, var subscriber) in state.subscribers {
                var items: [ProgressFeed.Item] = []
                for stored in step.entries where stored.entry.deployment == subscriber.deployment && stored.id > subscriber.delivered {
                    items.append(.entry(stored.entry))
                    subscriber.delivered = stored.id
                }
                let event = finished[subscriber.deployment]
                if let event { items.append(.event(event)) }
                state.subscribers[id] = event == nil ? subscriber : nil
                if !items.isEmpty { deliveries.append(Delivery(feed: subscriber.feed, items: items, ends: event != nil)) }
            }
            return deliveries
        }
        for delivery in deliveries {
            delivery.feed?.append(delivery.items)
            if delivery.ends { delivery.feed?.finish() }
        }
    }

    /// The `finished` event of a terminal deployment (nil while it runs).
    private func finishedEvent(of deployment: Int) throws -> ProgressEvent? {
        guard let record = try store.deployment(id: deployment), record.outcome.isTerminal else { return nil }
        return finishedEvent(record)
    }

    /// The `finished` event of a terminal deployment's record; a failed one's reads its whole trail once, for the
    /// failing client's log.
    private func finishedEvent(_ record: DeploymentRecord) -> ProgressEvent {
        let failure = record.outcome == .succeeded ? nil : failureTail(deployment: record.id)
        return Self.finished(record, failure: failure)
    }

    /// The end of the log of the client whose failure ended deployment `id`, or nil when none is known.
    func failureTail(deployment id: Int) -> FailureLog.Tail? {
        (try? store.events(deployment: id)).flatMap(failureLog.tail(of:))
    }

    /// The progress event of an audit entry, with its sentence.
    static func event(_ entry: AuditEntry) -> ProgressEvent {
        ProgressEvent(
            time: entry.time, deployment: entry.deployment, kind: entry.kind, instance: entry.instance,
            client: entry.client?.rawValue, detail: entry.detail, message: ProgressSentence.make(for: entry))
    }

    /// The closing event of a terminal deployment; with `failure`, its instance and client are the failing
    /// client's and `detail["log_tail"]` holds the end of its log.
    static func finished(_ record: DeploymentRecord, failure: FailureLog.Tail? = nil) -> ProgressEvent {
        var detail = ["outcome": record.outcome.rawValue]
        if let reason = record.reason { detail["reason"] = reason }
        if let revision = record.revision { detail["revision"] = revision.rawValue }
        if let failure { detail[ProgressEvent.logTailKey] = failure.text }
        let reason = record.reason.map { ": \($0)" } ?? ""
        return ProgressEvent(
            time: record.finishedAt ?? record.requestedAt, deployment: record.id, kind: "finished",
            instance: failure?.instance, client: failure?.client, detail: detail,
            message: "Deployment #\(record.id) \(record.outcome.rawValue)\(reason).")
    }
}
