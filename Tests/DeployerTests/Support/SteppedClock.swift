import Deployer
import Foundation
import Synchronization

/// A clock the test moves by hand; every sleep the run loop asks for is reported on ``requests`` and ends when
/// the test moves the clock to it (or the sleep is cancelled).
final class SteppedClock: DeployerClock {
    private struct Sleeper {
        var until: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let state = Mutex(
        (now: Date(timeIntervalSince1970: 1_800_000_000), sleepers: [Int: Sleeper](), next: 0, jumping: false))
    let requests: AsyncStream<Date>
    private let request: AsyncStream<Date>.Continuation

    init() {
        (requests, request) = AsyncStream.makeStream(of: Date.self)
    }

    var now: Date { state.withLock { $0.now } }
    var wallNow: Date { now }

    func sleep(until deadline: Date) async throws {
        request.yield(deadline)
        let id = state.withLock { state in
            state.next += 1
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let due = state.withLock { state -> Bool in
                    if state.jumping { state.now = max(state.now, deadline) }
                    guard deadline > state.now, !Task.isCancelled else { return true }
                    state.sleepers[id] = Sleeper(until: deadline, continuation: continuation)
                    return false
                }
                if due { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// From now on, moves the clock to the end of every sleep at once.
    func jumpToEverySleep() {
        state.withLock { $0.jumping = true }
    }

    /// Moves the clock to `date`, ending the sleeps due by then.
    func move(to date: Date) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = date
            let due = state.sleepers.filter { $0.value.until <= date }
            for id in due.keys { state.sleepers[id] = nil }
            return Array(due.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
