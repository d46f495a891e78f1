import FleetTypes
import Foundation
import Synchronization

/// The events submitted to a ``DeployerDriver`` that wait for its next step, in the order they came, each with
/// where its answer goes; and whether a step to take them is scheduled, so that one is scheduled at a time.
final class DriverInbox: Sendable {
    /// One submitted event, the rows to store with its step, and where its answer goes.
    struct Waiting: Sendable {
        let event: DeployerEvent
        var rows: StepRows? = nil
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

    /// Takes the next step's events: the oldest `limit` at most; but when a shard's handover waits for the driver
    /// (an old client's ``DeployerEvent/comaConfirmed(_:)``), the waiting confirmations are taken alone, ahead of the
    /// others, so that the new client's `process_commands` does not wait for a step of a launch wave's dozens of
    /// events. A confirmation never passes an earlier event of its own client; passing another client's event is
    /// an order in which the two could have come.
    func take(upTo limit: Int) -> [Waiting] {
        state.withLock { state in
            let handovers = Self.handovers(in: state.waiting, upTo: limit)
            if !handovers.isEmpty, handovers.count < state.waiting.count {
                let taken = handovers.map { state.waiting[$0] }
                state.waiting = state.waiting.enumerated().filter { !handovers.contains($0.offset) }.map(\.element)
                return taken
            }
            let count = min(limit, state.waiting.count)
            defer { state.waiting.removeFirst(count) }
            return Array(state.waiting.prefix(count))
        }
    }

    /// The offsets of the `coma` confirmations that may be taken ahead: those whose client has no earlier event
    /// waiting; `limit` at most. Without a confirmation waiting (most steps) it reads the events once, no more.
    private static func handovers(in waiting: [Waiting], upTo limit: Int) -> IndexSet {
        guard let first = waiting.firstIndex(where: { if case .comaConfirmed = $0.event { true } else { false } }) else {
            return []
        }
        var handovers = IndexSet()
        var clientsSeen = Set(waiting[..<first].compactMap(\.event.client))
        for offset in first..<waiting.count where handovers.count < limit {
            guard let client = waiting[offset].event.client else { continue }
            if case .comaConfirmed = waiting[offset].event, !clientsSeen.contains(client) { handovers.insert(offset) }
            clientsSeen.insert(client)
        }
        return handovers
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
