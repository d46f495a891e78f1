import Synchronization

/// A value set once, by whoever learns it first, and awaited by any number of waiters, each of which may give up
/// (its task cancelled, or a deadline): e.g. the exit of a client that is not a local child (a container's task),
/// on which the ``LaunchedClient`` of another launcher stops its client the way ``LaunchedProcess`` does on its
/// pidfd.
public final class Latch<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [UInt64: CheckedContinuation<Value?, Never>] = [:]
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Creates a latch that is not set.
    public init() {}

    /// The value, once it is set.
    public var value: Value? {
        state.withLock { $0.value }
    }

    /// Sets the value and wakes every waiter. Returns false (and changes nothing) when it was already set.
    @discardableResult
    public func set(_ value: Value) -> Bool {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>]? in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: value) }
        return true
    }

    /// Waits for the value; nil when the calling task is cancelled first.
    public func wait() async -> Value? {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: Value?? = state.withLock { state in
                    if let value = state.value { return .some(value) }
                    if state.cancelled.remove(id) != nil { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { state in
                guard let continuation = state.waiters.removeValue(forKey: id) else {
                    if state.value == nil { state.cancelled.insert(id) }
                    return CheckedContinuation<Value?, Never>?.none
                }
                return continuation
            }
            continuation?.resume(returning: nil)
        }
    }

    /// Waits at most `duration` for the value; nil when it has not come by then.
    public func wait(within duration: Duration) async -> Value? {
        await wait(within: duration, while: nil)
    }

    /// Runs `step` (e.g. the polite step of a stop: `cmd shutdown` over the channel) and waits for the value, both
    /// for at most `duration`; the step is cancelled when the value comes or the time is up.
    public func wait(within duration: Duration, while step: (@Sendable () async -> Void)?) async -> Value? {
        if let value { return value }
        return await withTaskGroup(of: Value?.self) { group in
            group.addTask {
                await step?()
                try? await Task.sleep(for: duration)
                return nil
            }
            group.addTask { await self.wait() }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
