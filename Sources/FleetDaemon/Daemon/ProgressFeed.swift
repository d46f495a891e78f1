public import AdminAPI
import Deployer
import Synchronization

/// One reader's progress events of a deployment (``DaemonControl/progress(deployment:follow:)``): the stored ones,
/// then, when followed, the new ones as the store commits them, ending with `finished`.
///
/// Its writer (the ``ProgressHub``, on the driver's thread) only appends: a committed step's audit entries go in as
/// they are, and their events (with their sentences) are built by the reader as it takes them. Nothing is resumed
/// while the reader is busy or resting: a reader that takes everything ready at once (``Iterator/nextBatch()``)
/// and rests between batches, as the admin API's writer does, is woken at most once per rest, not once per
/// commit (a followed 200-shard rollout stores its entries in hundreds of steps).
///
/// ```swift
/// for try await event in try await control.progress(deployment: id, follow: true) { print(event.message) }
/// var batches = feed.makeAsyncIterator()
/// while let ready = try await batches.nextBatch() { try await write(ready) }
/// ```
///
/// One reader at a time. The hub holds a feed weakly: when the reader lets go of it, the hub stops writing to it.
public final class ProgressFeed: AsyncSequence, Sendable {
    public typealias Element = ProgressEvent

    /// What the feed holds until it is read.
    enum Item: Sendable {
        /// An event made by the writer (`finished`, a line of build output).
        case event(ProgressEvent)
        /// A stored audit entry, whose event the reader builds.
        case entry(AuditEntry)

        /// The event the reader gets.
        var event: ProgressEvent {
            switch self {
            case .event(let event): event
            case .entry(let entry): ProgressHub.event(entry)
            }
        }
    }

    private struct State {
        var items: [Item] = []
        var ended = false
        var failure: (any Error)?
        /// Called once the reader let go of the feed.
        var whenDropped: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())
    /// A signal after each append, kept while nobody waits (one at most): the reader waits on it when nothing is ready.
    private let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    /// An empty feed, open for writing.
    init() {
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    deinit {
        state.withLock { $0.whenDropped }?()
    }

    /// Appends `items` for the reader (nothing once the feed ended).
    func append(_ items: [Item]) {
        guard !items.isEmpty else { return }
        let appended = state.withLock { state in
            guard !state.ended else { return false }
            state.items.append(contentsOf: items)
            return true
        }
        if appended { signal.yield() }
    }

    /// Ends the feed: the reader gets what is in it, then the end, or `failure` thrown.
    func finish(throwing failure: (any Error)? = nil) {
        let ending = state.withLock { state in
            guard !state.ended else { return false }
            state.ended = true
            state.failure = failure
            return true
        }
        if ending { signal.finish() }
    }

    /// Calls `body` once the reader lets go of the feed (its writer holds it weakly).
    func whenDropped(_ body: @escaping @Sendable () -> Void) {
        state.withLock { $0.whenDropped = body }
    }

    /// Everything in the feed now, whether it ended, and its failure.
    private func take() -> (items: [Item], ended: Bool, failure: (any Error)?) {
        state.withLock { state in
            defer { state.items.removeAll(keepingCapacity: true) }
            return (state.items, state.ended, state.failure)
        }
    }

    /// Reads the feed's events one by one, or everything ready at once (``nextBatch()``).
    public struct Iterator: AsyncIteratorProtocol {
        private let feed: ProgressFeed
        private var signals: AsyncStream<Void>.Iterator
        /// The rest of the batch ``next()`` took last.
        private var ready: ArraySlice<ProgressEvent> = []
        private var done = false

        init(_ feed: ProgressFeed) {
            self.feed = feed
            signals = feed.signals.makeAsyncIterator()
        }

        /// The next event, waiting for one; nil at the end (or when the reading task is cancelled).
        /// - Throws: the feed's failure, after its events.
        public mutating func next() async throws -> ProgressEvent? {
            if ready.isEmpty {
                guard let batch = try await nextBatch() else { return nil }
                ready = batch[...]
            }
            return ready.popFirst()
        }

        /// Every event ready now (never empty), waiting for one; nil at the end (or when the reading task is
        /// cancelled).
        /// - Throws: the feed's failure, after its events.
        public mutating func nextBatch() async throws -> [ProgressEvent]? {
            if !ready.isEmpty {
                defer { ready = [] }
                return Array(ready)
            }
            while !done {
                let taken = feed.take()
                if !taken.items.isEmpty { return taken.items.map(\.event) }
                if taken.ended {
                    done = true
                    if let failure = taken.failure { throw failure }
                    return nil
                }
                // Nil: the feed ended since (taken above, on the next turn) or the task is cancelled.
                if await signals.next() == nil, !feed.state.withLock({ $0.ended }) { done = true }
            }
            return nil
        }
    }

    /// The feed's reader; one at a time.
    public func makeAsyncIterator() -> Iterator {
        Iterator(self)
    }
}
