import Synchronization

/// The events submitted to a ``DeployerDriver`` that wait for its next step, in the order they came, each with the
/// caller waiting for its answer; and whether a step to take them is scheduled, so that one is scheduled at a time.
final class DriverInbox: Sendable {
    /// One submitted event and its caller.
    struct Waiting: Sendable {
        let event: DeployerEvent
        let caller: CheckedContinuation<EngineStep, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        /// A step that takes from the inbox is scheduled or running.
        var scheduled = false
    }

    private let state = Mutex(State())

    /// Adds an event; true when the caller must schedule a step to take it (none is scheduled).
    func add(_ event: DeployerEvent, answering caller: CheckedContinuation<EngineStep, any Error>) -> Bool {
        state.withLock { state in
            state.waiting.append(Waiting(event: event, caller: caller))
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
    /// stays marked scheduled), false when none is left (the next ``add(_:answering:)`` schedules one).
    func finishBatch() -> Bool {
        state.withLock { state in
            state.scheduled = !state.waiting.isEmpty
            return state.scheduled
        }
    }
}
