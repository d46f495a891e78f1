import Synchronization

/// Collects elements as they come and hands them out in batches: everything that arrived while the consumer was
/// busy comes out at once, so a consumer with a fixed cost per batch (an engine step, a transaction) keeps up with
/// any rate, and no element waits behind the handling of the ones before it one by one.
///
/// ```swift
/// let batches = ReadyBatches<ProcessExit>()
/// group.addTask { for await exit in launcher.exits { batches.add(exit) }; batches.finish() }
/// group.addTask { await batches.forEach { ready in await report(ready) } }
/// ```
final class ReadyBatches<Element: Sendable>: Sendable {
    private let waiting = Mutex<[Element]>([])
    private let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    init() {
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds an element to the next batch.
    func add(_ element: Element) {
        waiting.withLock { $0.append(element) }
        signal.yield()
    }

    /// Ends ``forEach(_:)`` once the elements added so far were handed out.
    func finish() {
        signal.finish()
    }

    /// Calls `body` with each batch (never empty), in the order the elements were added, until ``finish()``, the
    /// task's cancellation or an error `body` throws; the single consumer.
    func forEach(_ body: ([Element]) async throws -> Void) async rethrows {
        for await _ in signals {
            let ready = take()
            if !ready.isEmpty { try await body(ready) }
        }
        let rest = take()
        if !rest.isEmpty, !Task.isCancelled { try await body(rest) }
    }

    private func take() -> [Element] {
        waiting.withLock { waiting in
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
    }
}
