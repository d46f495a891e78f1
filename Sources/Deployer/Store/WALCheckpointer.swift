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
///
/// The log starts over from its beginning only at a write that begins once a checkpoint has copied all of it, and
/// while the writer commits it is always ahead of the checkpoints: the writes of one rollout after another went
/// on growing one log, 334 MB after 15 rollouts at 200 shards, with every page read searching a larger log index.
/// So once the writer has been idle for ``idleDelay`` with commits left, this copies the rest (PASSIVE, waiting for
/// no one) and then runs a RESTART checkpoint, which has nothing left to copy and only makes sure that no reader
/// still reads the log: the writer's next write then starts the log over at its beginning, in the file as it is
/// (a TRUNCATE checkpoint held the writer's lock while it copied, synced and cut the file: an exit's step waited
/// 294 ms for it in a run of 20 back-to-back rollouts). The RESTART holds the writer's lock for moments
/// and waits for no one (no busy handler): when a reader or the writer is busy, it is tried again after the next
/// idle delay. The log's file thus keeps the size of the longest run of writes between two idle moments.
final class WALCheckpointer: Sendable {
    /// Commits between two checkpoints: a 200-shard rollout commits some 3,500 times and writes some 8,000
    /// pages, so the log stays near the 1,000 pages of SQLite's own automatic checkpoint.
    static let commitsPerCheckpoint = 64
    /// How long the writer goes without a commit before the log is checkpointed to its end and started over.
    static let idleDelay = Duration.seconds(1)

    /// What the thread runs next.
    private enum Request {
        /// Copy what can be copied without waiting (every ``commitsPerCheckpoint`` commits).
        case passive
        /// Copy the rest and have the writer start the log over (the writer is idle).
        case restart
    }

    private struct State {
        /// The commits since the last checkpoint was requested.
        var commits = 0
        /// Every commit noted, for telling an idle writer.
        var totalCommits = 0
        var requested = false
        var ended = false
        /// The thread ended and its connection is closed.
        var finished = false
    }

    private let state = Mutex(State())
    private let signal = NSCondition()
    private let checkpoints = Atomic<Int>(0)
    private let restarts = Atomic<Int>(0)

    /// Opens a connection to the database at `path` (in WAL mode already) and starts the thread.
    init(path: String) throws {
        var configuration = Configuration()
        // Never waits for a lock: a PASSIVE checkpoint has no use for a busy handler, and a RESTART one that
        // finds a reader or the writer busy must not hold the writer's lock while it waits for them.
        configuration.busyMode = .immediateError
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
    /// How many RESTART checkpoints completed: after each, the writer's next write started the log over.
    var restartedLogs: Int { restarts.load(ordering: .acquiring) }

    /// Notes one commit of the writer; every ``commitsPerCheckpoint``-th wakes the thread, and so does the first
    /// after a checkpoint, which starts the wait for the writer's idleness. Returns at once.
    func committed() {
        let due = state.withLock { state in
            state.commits += 1
            state.totalCommits += 1
            guard state.commits >= Self.commitsPerCheckpoint else { return state.commits == 1 }
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
        while let request = nextRequest() {
            do {
                _ = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
                checkpoints.add(1, ordering: .releasing)
                if request == .restart {
                    _ = try connection.writeWithoutTransaction { try $0.checkpoint(.restart) }
                    restarts.add(1, ordering: .releasing)
                }
            } catch {
                // Busy or failing: the log keeps the frames not copied. A PASSIVE checkpoint's are copied by the
                // next one; an idle writer's log is tried again after the next idle delay.
                if request == .restart { state.withLock { $0.commits = max($0.commits, 1) } }
            }
        }
    }

    /// The next checkpoint: PASSIVE once requested, PASSIVE and RESTART once commits are left while the writer has
    /// been idle for ``idleDelay``; nil once the thread should end.
    private func nextRequest() -> Request? {
        signal.lock()
        defer { signal.unlock() }
        while true {
            let (requested, ended, pending, seen) = state.withLock { state in
                defer { state.requested = false }
                return (state.requested, state.ended, state.commits, state.totalCommits)
            }
            if ended { return nil }
            if requested { return .passive }
            guard pending > 0 else {
                signal.wait()
                continue
            }
            let idle = !signal.wait(until: Date().adding(Self.idleDelay))
            let restartNow = state.withLock { state in
                guard idle, !state.ended, state.commits > 0, state.totalCommits == seen else { return false }
                state.commits = 0
                return true
            }
            if restartNow { return .restart }
        }
    }
}
