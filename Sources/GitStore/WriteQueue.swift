import Foundation
import Synchronization

/// A bounded queue from the thread that reads blobs to the thread that writes files.
///
/// `Sendable` through its `Mutex` and semaphores; `push` blocks while `capacity` items wait.
final class WriteQueue: Sendable {
    /// One file's contents, ready to write.
    struct Item: Sendable {
        /// The file's position in the tree walk (folders are created before the first file after them).
        let index: Int
        /// The path relative to the release.
        let path: String
        /// The git file mode (`git_filemode_t` raw value).
        let mode: UInt32
        /// The file's bytes, or a symlink's target.
        let bytes: Data
    }

    private let items = Mutex<[Item?]>([])
    private let outcome = Mutex<Result<Void, any Error>?>(nil)
    private let reachedEnd = Mutex(false)
    private let freeSlots: DispatchSemaphore
    private let filledSlots = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        freeSlots = DispatchSemaphore(value: capacity)
    }

    /// Whether the writer still takes items (it stops at its first error).
    var isAccepting: Bool { outcome.withLock { $0 == nil } }

    /// Adds an item, or `nil` to say there are no more; blocks while the queue is full.
    func push(_ item: Item?) {
        freeSlots.wait()
        items.withLock { $0.append(item) }
        filledSlots.signal()
    }

    /// The next item, or `nil` at the end; blocks while the queue is empty.
    func pop() -> Item? {
        filledSlots.wait()
        let item = items.withLock { $0.removeFirst() }
        freeSlots.signal()
        if item == nil {
            reachedEnd.withLock { $0 = true }
        }
        return item
    }

    /// Records the writer's result; after a failure before the end, drains the queue up to the end
    /// so that `push` never blocks.
    func finish(with result: Result<Void, any Error>) {
        outcome.withLock { $0 = result }
        if case .failure = result, !reachedEnd.withLock({ $0 }) {
            while pop() != nil {}
        }
        finished.signal()
    }

    /// Waits for the writer's result.
    func waitUntilFinished() -> Result<Void, any Error> {
        finished.wait()
        return outcome.withLock { $0 } ?? .success(())
    }
}
