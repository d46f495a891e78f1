import Synchronization

/// The events submitted to a ``DeployerDriver`` that wait for its next step, in the order they came, each with
/// where its answer goes; and whether a step to take them is scheduled, so that one is scheduled at a time.
final class DriverInbox: Sendable {
    /// One submitted event and where its answer goes.
    struct Waiting: Sendable {
        let event: DeployerEvent
        let answer: @Sendable (Result<EngineStep, any Error>) -> Void
    }

    private struct State {
        var waiting: [Waiting] = []
        /// A step that takes from the inbox is scheduled or running.
        var scheduled = false
    }

    private let state = Mutex(State())

    /// Adds events, together and in order; true when the caller must schedule a step to take them (none is
    /// scheduled).
    func add(_ events: [Waiting]) -> Bool {
        state.withLock { state in
            state.waiting.append(contentsOf: events)
            defer { state.scheduled = true }
            return !state.scheduled
        }
    }

    /// How many events wait.
    var count: Int { state.withLock { $0.waiting.count } }

    /// Takes the oldest `limit` events at most.
    func take(upTo limit: Int) -> [Waiting] {
        state.withLock { state in
            let count = min(limit, state.waiting.count)
            defer { state.waiting.removeFirst(count) }
            return Array(state.waiting.prefix(count))
        }
    }

    /// Ends the scheduled step's turn: true when events still wait (the caller schedules the next step, which
    /// stays marked scheduled), false when none is left (the next ``add(_:)`` schedules one).
    func finishBatch() -> Bool {
        state.withLock { state in
            state.scheduled = !state.waiting.isEmpty
            return state.scheduled
        }
    }
}
