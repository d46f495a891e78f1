import Foundation
import Synchronization

/// The exclusive lock of one daemon on its state folder: `flock(2)` on `<state>/daemon.lock`, which holds
/// the pid of the daemon that holds it.
///
/// Taken before the daemon reads or adopts anything, held until ``release()`` (when the daemon's run ends) or
/// until it is freed (the kernel releases it when the process exits, however it exits). The descriptor is close-on-exec, so bots never inherit it.
final class StateLock: Sendable {
    /// The lock file.
    let path: String
    private let descriptor: Mutex<Int32?>

    /// The lock file of a state folder.
    static func path(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("daemon.lock")
    }

    /// Takes the lock on `stateDirectory` (which must exist) and writes this process's pid into the file.
    /// - Throws: ``DaemonError`` `.stateLocked` naming the lock file and the pid of the daemon holding it,
    ///   or `.stateFolder` when the file cannot be opened.
    init(stateDirectory: String) throws {
        let path = Self.path(stateDirectory: stateDirectory)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DaemonError(.stateFolder, "the lock file \(path) could not be opened: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let holder = Self.holder(descriptor)
            close(descriptor)
            guard reason == EWOULDBLOCK else {
                throw DaemonError(.stateFolder, "the lock file \(path) could not be locked: \(String(cString: strerror(reason)))")
            }
            throw DaemonError(
                .stateLocked,
                "another urban-robot daemon (pid \(holder.map(String.init) ?? "unknown")) holds the lock \(path) on "
                    + "the state folder; stop it first, or give this one another state.dir")
        }
        let pid = Array("\(getpid())\n".utf8)
        guard ftruncate(descriptor, 0) == 0, pwrite(descriptor, pid, pid.count, 0) == pid.count else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw DaemonError(.stateFolder, "the lock file \(path) could not be written: \(reason)")
        }
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    deinit {
        release()
    }

    /// Releases the lock (unlocks, then closes the file; the pid in it stays until the next daemon writes its own).
    /// The explicit unlock matters: a child forked meanwhile holds a copy of the descriptor until its exec, and
    /// closing alone would leave the lock held through that copy.
    func release() {
        descriptor.withLock { descriptor in
            if let open = descriptor {
                flock(open, LOCK_UN)
                close(open)
            }
            descriptor = nil
        }
    }

    /// The pid written in a lock file, if it holds one.
    private static func holder(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
