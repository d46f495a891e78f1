import Deployer
import Foundation
import Synchronization

/// The progress streams of ``DaemonControl/progress(deployment:follow:)``: the stored events of a deployment, then
/// the new ones as the engine makes them, ending with `finished`.
///
/// The store is the single source: the driver stores every step before it performs it, so after a step was
/// committed the hub reads, per followed deployment, only the entries stored after the last one it sent (by row
/// id, through the `(deployment_id, id)` index) and sends each stream those it has not had yet. The live feed is
/// thus exactly the stored trail, in its order, with nothing lost or sent twice, and following a deployment costs
/// each step only its new entries, however long the trail already is.
final class ProgressHub: Sendable {
    typealias Continuation = AsyncThrowingStream<ProgressEvent, any Error>.Continuation

    private struct Subscriber {
        var deployment: Int
        var continuation: Continuation
        /// The row id of the last entry sent (0: none yet).
        var delivered: Int64 = 0
    }

    private struct State {
        var subscribers: [Int: Subscriber] = [:]
        var nextID = 0
        /// ``DeployerStore/committedSteps`` when the followed deployments were last read.
        var refreshedAtStep = -1
    }

    private let store: DeployerStore
    private let failureLog: FailureLog
    private let state = Mutex(State())

    /// A hub reading `store`; a failed deployment's `finished` event carries the end of the failing client's log
    /// from `failureLog`.
    init(store: DeployerStore, failureLog: FailureLog) {
        self.store = store
        self.failureLog = failureLog
    }

    /// A stream of the events of `deployment`: the stored ones, then (with `follow`) the new ones until the
    /// deployment is terminal; the last event is `finished` once it is.
    func stream(deployment: Int, follow: Bool) -> AsyncThrowingStream<ProgressEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ProgressEvent.self)
        guard follow else {
            do {
                let entries = try store.events(deployment: deployment)
                for entry in entries { continuation.yield(Self.event(entry)) }
                if let finished = try finishedEvent(of: deployment) { continuation.yield(finished) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
            return stream
        }
        let id = state.withLock { state -> Int in
            state.nextID += 1
            state.subscribers[state.nextID] = Subscriber(deployment: deployment, continuation: continuation)
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        refresh(deployment: deployment)
        return stream
    }

    /// Refreshes every followed deployment (after each action the driver performs); nothing is read when no step
    /// was committed since the last refresh (the other actions of the same step).
    func refreshFollowed() {
        let step = store.committedSteps
        let deployments = state.withLock { state -> Set<Int> in
            guard state.refreshedAtStep != step else { return [] }
            state.refreshedAtStep = step
            return Set(state.subscribers.values.map(\.deployment))
        }
        for deployment in deployments { refresh(deployment: deployment) }
    }

    /// Sends each stream of `deployment` the events it has not had yet, and ends the streams of a terminal one.
    func refresh(deployment: Int) {
        // Finishing calls `onTermination`, which takes the lock: finish outside it.
        let ended = state.withLock { state -> [(Continuation, (any Error)?)] in
            let ids = state.subscribers.filter { $0.value.deployment == deployment }.map(\.key)
            guard let from = ids.compactMap({ state.subscribers[$0]?.delivered }).min() else { return [] }
            let entries: [StoredAuditEntry]
            let finished: ProgressEvent?
            do {
                entries = try store.events(deployment: deployment, after: from)
                finished = try finishedEvent(of: deployment)
            } catch {
                return ids.compactMap { state.subscribers.removeValue(forKey: $0).map { ($0.continuation, error) } }
            }
            var ended: [(Continuation, (any Error)?)] = []
            for id in ids {
                guard var subscriber = state.subscribers[id] else { continue }
                for stored in entries where stored.id > subscriber.delivered {
                    subscriber.continuation.yield(Self.event(stored.entry))
                    subscriber.delivered = stored.id
                }
                state.subscribers[id] = subscriber
                if let finished {
                    subscriber.continuation.yield(finished)
                    state.subscribers[id] = nil
                    ended.append((subscriber.continuation, nil))
                }
            }
            return ended
        }
        for (continuation, error) in ended { continuation.finish(throwing: error) }
    }

    /// The `finished` event of a terminal deployment (nil while it runs); a failed one's reads its whole trail
    /// once, for the failing client's log.
    private func finishedEvent(of deployment: Int) throws -> ProgressEvent? {
        guard let record = try store.deployment(id: deployment), record.outcome.isTerminal else { return nil }
        let failure = record.outcome == .succeeded ? nil : failureLog.tail(of: try store.events(deployment: deployment))
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
