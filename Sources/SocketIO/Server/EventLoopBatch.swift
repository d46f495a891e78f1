import NIOCore
import NIOPosix

/// The event-loop work one thread queues while it runs ``collect(_:)``: frames to write, handlers to resume. It is
/// held until the body returns and then handed to each event loop as one job, in the order it was queued.
///
/// A loop that sleeps is woken by the first job queued for it, and on a busy box the woken loop takes the core
/// from the thread that queued it: a step of the deployer that wrote to thirty bots and answered their handlers
/// passed the core back and forth with the loops sixty times. Collected, it wakes each loop once.
public final class EventLoopBatch: @unchecked Sendable {
    /// The batch of the calling thread, while it runs ``collect(_:)``; only that thread reads or writes a batch.
    private static let current = ThreadSpecificVariable<EventLoopBatch>()

    private var queued: [(loop: any EventLoop, work: [@Sendable () -> Void])] = []

    private init() {}

    /// Runs `body`, holding the event-loop work the calling thread queues meanwhile (``execute(on:_:)``), then hands
    /// each loop its part as one job. Inside another `collect` of the same thread, the outer one hands it out.
    public static func collect<Value>(_ body: () throws -> Value) rethrows -> Value {
        guard current.currentValue == nil else { return try body() }
        let batch = EventLoopBatch()
        current.currentValue = batch
        defer {
            current.currentValue = nil
            batch.handOut()
        }
        return try body()
    }

    /// Runs `work` on `loop`: at the end of the calling thread's ``collect(_:)`` if one runs, else now
    /// (`EventLoop.execute`).
    static func execute(on loop: any EventLoop, _ work: @escaping @Sendable () -> Void) {
        guard let batch = current.currentValue else { return loop.execute(work) }
        if let index = batch.queued.firstIndex(where: { $0.loop === loop }) {
            batch.queued[index].work.append(work)
        } else {
            batch.queued.append((loop, [work]))
        }
    }

    private func handOut() {
        for (loop, work) in queued {
            loop.execute { for job in work { job() } }
        }
        queued = []
    }
}
