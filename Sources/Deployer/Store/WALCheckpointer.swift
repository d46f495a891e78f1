import FleetTypes
import Foundation
import GRDB
import Synchronization

/// Checkpoints the state database's write-ahead log from a connection and a thread of its own.
///
/// SQLite's automatic checkpoint runs in the connection that commits, once the log passes 1,000 pages: here the
/// engine's writer, on the driver's thread. Each one (an fdatasync of the log, some 50 page writes, an fdatasync
/// of the database) held the driver for 6 to 18 ms, three or four times in a 200-shard rollout, and every event
/// queued behind it (a handover's `process_commands`, an exit) waited as long. The store turns the writer's
/// automatic checkpoint off (`PRAGMA wal_autocheckpoint = 0`) and calls ``committed()`` after each commit; every
/// ``commitsPerCheckpoint`` commits this runs a PASSIVE checkpoint, which neither waits for the writer nor makes
/// it wait. A checkpoint that fails (another one runs, the disk is full) leaves every frame in the log, and the
/// next one catches up.
final class WALCheckpointer: Sendable {
    /// Commits between two checkpoints: a 200-shard rollout commits some 3,500 times and writes some 8,000
    /// pages, so the log stays near the 1,000 pages of SQLite's own automatic checkpoint.
    static let commitsPerCheckpoint = 64

    private struct State {
        var commits = 0
        var requested = false
        var ended = false
        /// The thread ended and its connection is closed.
        var finished = false
    }

    private let state = Mutex(State())
    private let signal = NSCondition()
    private let checkpoints = Atomic<Int>(0)

    /// Opens a connection to the database at `path` (in WAL mode already) and starts the thread.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "urban-robot checkpoints"
        let connection = Mutex<DatabaseQueue?>(try DatabaseQueue(path: path, configuration: configuration))
        NamedThread.start("urban-wal-ckpt") { [self] in
            if let database = connection.withLock({ $0 }) { run(database) }
            connection.withLock { $0 = nil }  // closes it
            change { $0.finished = true }
        }
    }

    /// How many checkpoints completed.
    var completedCheckpoints: Int { checkpoints.load(ordering: .acquiring) }

    /// Notes one commit of the writer; every ``commitsPerCheckpoint``-th wakes the thread. Returns at once.
    func committed() {
        let due = state.withLock { state in
            state.commits += 1
            guard state.commits >= Self.commitsPerCheckpoint else { return false }
            state.commits = 0
            state.requested = true
            return true
        }
        if due { wake() }
    }

    /// Ends the thread and waits until it closed its connection (after the checkpoint it may be running), so
    /// that the store's own connections close after it, the last one checkpointing the log as SQLite does.
    func stop() {
        change { $0.ended = true }
        signal.lock()
        defer { signal.unlock() }
        while !state.withLock({ $0.finished }) { signal.wait() }
    }

    private func wake() {
        change { _ in }
    }

    /// Changes the state under the condition's lock and wakes whoever waits on it.
    private func change(_ body: (inout State) -> Void) {
        signal.lock()
        state.withLock { body(&$0) }
        signal.broadcast()
        signal.unlock()
    }

    /// Waits for a request, checkpoints, and again, until ``stop()``.
    private func run(_ connection: DatabaseQueue) {
        while waitForRequest() {
            do {
                _ = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
                checkpoints.add(1, ordering: .releasing)
            } catch {
                // Busy or failing: the log keeps every frame, and the next request checkpoints them.
            }
        }
    }

    /// True once a checkpoint is requested, false once the thread should end.
    private func waitForRequest() -> Bool {
        signal.lock()
        defer { signal.unlock() }
        while true {
            let (requested, ended) = state.withLock { state in
                defer { state.requested = false }
                return (state.requested, state.ended)
            }
            if ended { return false }
            if requested { return true }
            signal.wait()
        }
    }
}
