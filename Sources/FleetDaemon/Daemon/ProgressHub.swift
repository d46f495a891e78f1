import AdminAPI
import Deployer
import FleetTypes
import Foundation
import Synchronization

/// The progress streams of ``DaemonControl/progress(deployment:follow:)``: the stored events of a deployment, then
/// the new ones as the engine makes them, ending with `finished`.
///
/// The store is the single source: a new follower reads the trail stored so far, then the store pushes every
/// committed transaction's entries and deployment rows to the hub (``DeployerStore/observeCommits(_:)``), which
/// hands each follower those of its deployment it has not had (by row id) and ends its stream when the
/// deployment's row becomes terminal. The live feed is thus exactly the stored trail, in its order, with nothing
/// lost or sent twice, and following costs a step only its new entries: nothing is read again.
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
        // Read and registered under the lock that `deliver` takes: a commit is either in the trail read here or
        // delivered afterwards (entries up to `delivered` are skipped), never both, never neither.
        let joined = state.withLock { state -> Result<Int?, any Error> in
            do {
                let entries = try store.events(deployment: deployment, after: 0)
                for stored in entries { continuation.yield(Self.event(stored.entry)) }
                if let finished = try finishedEvent(of: deployment) {
                    continuation.yield(finished)
                    return .success(nil)
                }
                state.nextID += 1
                state.subscribers[state.nextID] = Subscriber(
                    deployment: deployment, continuation: continuation, delivered: entries.last?.id ?? 0)
                return .success(state.nextID)
            } catch {
                return .failure(error)
            }
        }
        switch joined {
        case .success(let id?):
            continuation.onTermination = { [weak self] _ in
                self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
            }
        case .success(nil):
            continuation.finish()
        case .failure(let error):
            continuation.finish(throwing: error)
        }
        return stream
    }

    /// Hands `event` to the followers of its deployment without storing it: output as it comes (a build's lines,
    /// ``ProgressEvent/buildOutputKind``), which the trail does not keep (the build log does).
    func publishLive(_ event: ProgressEvent) {
        state.withLock { state in
            for subscriber in state.subscribers.values where subscriber.deployment == event.deployment {
                subscriber.continuation.yield(event)
            }
        }
    }

    /// Hands the followers what a committed transaction stored, and ends the streams of the deployments it made
    /// terminal (called by the store, inside the driver's step).
    private func deliver(_ step: CommittedStep) {
        // Finishing calls `onTermination`, which takes the lock: finish outside it.
        let ended = state.withLock { state -> [Continuation] in
            guard !state.subscribers.isEmpty else { return [] }
            var finished: [Int: ProgressEvent] = [:]
            for record in step.deployments where record.outcome.isTerminal {
                let subscribed = state.subscribers.values.contains { $0.deployment == record.id }
                if subscribed { finished[record.id] = finishedEvent(record) }
            }
            var ended: [Continuation] = []
            for (id, var subscriber) in state.subscribers {
                for stored in step.entries where stored.entry.deployment == subscriber.deployment && stored.id > subscriber.delivered {
                    subscriber.continuation.yield(Self.event(stored.entry))
                    subscriber.delivered = stored.id
                }
                if let event = finished[subscriber.deployment] {
                    subscriber.continuation.yield(event)
                    state.subscribers[id] = nil
                    ended.append(subscriber.continuation)
                } else {
                    state.subscribers[id] = subscriber
                }
            }
            return ended
        }
        for continuation in ended { continuation.finish() }
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
