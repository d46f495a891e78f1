import Deployer
import Foundation
import Synchronization

/// Fans the engine's audit entries and deployment records out to the progress streams of
/// ``DaemonControl/progress(deployment:follow:)``.
///
/// A stream subscribes before the stored events are read and buffers the live ones meanwhile; ``prime(_:stored:terminal:)``
/// then sends the stored events, the buffered ones that are not among them, and goes live. Nothing is lost
/// between the store and the live feed, and nothing is sent twice.
final class ProgressHub: Sendable {
    typealias Continuation = AsyncThrowingStream<ProgressEvent, any Error>.Continuation

    private struct Subscriber {
        var deployment: Int
        var continuation: Continuation
        /// Live events that arrived before the stored ones were sent; nil once live.
        var buffer: [ProgressEvent]? = []
    }

    private struct State {
        var subscribers: [Int: Subscriber] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// Subscribes `continuation` to the events of `deployment`, buffering them until ``prime(_:stored:terminal:)``.
    func subscribe(_ continuation: Continuation, deployment: Int) -> Int {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            state.subscribers[state.nextID] = Subscriber(deployment: deployment, continuation: continuation)
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return id
    }

    /// Sends the stored events, then the buffered live ones not among them; ends the stream after a `finished`
    /// event, or with `terminal` when the deployment had ended already; otherwise goes live.
    func prime(_ id: Int, stored: [ProgressEvent], terminal: ProgressEvent?) {
        // Finishing calls `onTermination`, which takes the lock: finish outside it.
        let finished = state.withLock { state -> Continuation? in
            guard let subscriber = state.subscribers[id] else { return nil }
            let continuation = subscriber.continuation
            for event in stored { continuation.yield(event) }
            for event in subscriber.buffer ?? [] where !stored.contains(event) {
                continuation.yield(event)
                if event.kind == "finished" {
                    state.subscribers[id] = nil
                    return continuation
                }
            }
            if let terminal {
                state.subscribers[id] = nil
                continuation.yield(terminal)
                return continuation
            }
            state.subscribers[id]?.buffer = nil
            return nil
        }
        finished?.finish()
    }

    /// Publishes an audit entry of the engine.
    func publish(_ entry: AuditEntry) {
        guard let deployment = entry.deployment else { return }
        deliver(Self.event(entry), to: deployment)
    }

    /// Publishes a deployment record; a terminal one ends the streams of that deployment with `finished`.
    func publish(_ record: DeploymentRecord) {
        guard record.outcome.isTerminal else { return }
        deliver(Self.finished(record), to: record.id)
    }

    private func deliver(_ event: ProgressEvent, to deployment: Int) {
        let finished = state.withLock { state -> [Continuation] in
            var finished: [Continuation] = []
            for (id, subscriber) in state.subscribers where subscriber.deployment == deployment {
                if subscriber.buffer != nil {
                    state.subscribers[id]?.buffer?.append(event)
                    continue
                }
                subscriber.continuation.yield(event)
                if event.kind == "finished" {
                    state.subscribers[id] = nil
                    finished.append(subscriber.continuation)
                }
            }
            return finished
        }
        for continuation in finished { continuation.finish() }
    }

    /// The progress event of an audit entry, with its sentence.
    static func event(_ entry: AuditEntry) -> ProgressEvent {
        ProgressEvent(
            time: entry.time, deployment: entry.deployment, kind: entry.kind, instance: entry.instance,
            client: entry.client?.rawValue, detail: entry.detail, message: ProgressSentence.make(for: entry))
    }

    /// The closing event of a terminal deployment.
    static func finished(_ record: DeploymentRecord) -> ProgressEvent {
        var detail = ["outcome": record.outcome.rawValue]
        if let reason = record.reason { detail["reason"] = reason }
        if let revision = record.revision { detail["revision"] = revision.rawValue }
        let reason = record.reason.map { ": \($0)" } ?? ""
        return ProgressEvent(
            time: record.finishedAt ?? record.requestedAt, deployment: record.id, kind: "finished", detail: detail,
            message: "Deployment #\(record.id) \(record.outcome.rawValue)\(reason).")
    }
}
