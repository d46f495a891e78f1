import FleetConfiguration
import Foundation
import GRDB

/// What the daemon checks in its state folder before it opens `state.sqlite`: a folder that ran a fleet
/// (it holds the mirror, releases or logs) but lost its database must not start fresh silently, because
/// the bots it ran would then run unmanaged beside the ones the next deployment starts.
enum StateFolder {
    /// The database of a state folder.
    static func databasePath(_ directory: String) -> String { "\(directory)/state.sqlite" }

    /// Throws when `directory` holds what a daemon leaves (`repo.git`, a release, a log) but no
    /// `state.sqlite`, or one without tables.
    /// - Throws: ``DaemonError`` `.stateMissing` saying what is there, what is missing, and how to start over.
    static func requireDatabase(_ directory: String) throws {
        let leftovers = leftovers(directory)
        guard !leftovers.isEmpty else { return }
        let database = databasePath(directory)
        let missing: String
        if !FileManager.default.fileExists(atPath: database) {
            missing = "no \(database)"
        } else if try isEmpty(database) {
            missing = "an empty \(database) (no tables)"
        } else {
            return
        }
        throw DaemonError(
            .stateMissing,
            "the state folder \(directory) holds \(leftovers.joined(separator: ", ")) but \(missing): the bots it "
                + "ran would be left unmanaged. Restore state.sqlite from a backup, or, to start over on purpose "
                + "(stop the old bots first), run `urban-robot serve --reset-state`, which moves the folder's "
                + "contents aside into \(directory)/reset-<UTC time>/")
    }

    /// Moves everything in `directory` except the lock file and the admin token into a new
    /// `reset-<yyyyMMdd'T'HHmmss'Z'>` folder in it; returns that folder, or nil when there was nothing to move.
    /// - Throws: ``DaemonError`` `.stateFolder` naming what could not be moved.
    static func moveAside(_ directory: String, now: Date = Date()) throws -> String? {
        let kept: Set<String> = ["daemon.lock", "admin.token"]
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { !kept.contains($0) && !$0.hasPrefix("reset-") }.sorted()
        guard !entries.isEmpty else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        let stamp = formatter.string(from: now).replacingOccurrences(of: "-", with: "")
            .replacingOccurrences(of: ":", with: "")
        let aside = "\(directory)/reset-\(stamp)"
        do {
            try FileManager.default.createDirectory(atPath: aside, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            for entry in entries {
                try FileManager.default.moveItem(atPath: "\(directory)/\(entry)", toPath: "\(aside)/\(entry)")
            }
        } catch {
            throw DaemonError(.stateFolder, "the contents of \(directory) could not be moved aside into \(aside)",
                              cause: error)
        }
        return aside
    }

    /// What in `directory` shows that a daemon ran there: the mirror, a release, a log.
    private static func leftovers(_ directory: String) -> [String] {
        let manager = FileManager.default
        func hasEntries(_ path: String) -> Bool { !((try? manager.contentsOfDirectory(atPath: path)) ?? []).isEmpty }
        var found: [String] = []
        if manager.fileExists(atPath: "\(directory)/repo.git") { found.append("a mirror (repo.git)") }
        if hasEntries("\(directory)/releases") { found.append("releases") }
        if hasEntries("\(directory)/logs") { found.append("logs") }
        return found
    }

    /// The SQLite database at `path`, opened read-only. A daemon that just stopped may still be closing its
    /// connections (its last one checkpoints the WAL under an exclusive lock): reads wait for that rather than
    /// failing with SQLITE_BUSY.
    static func openReadOnly(_ path: String) throws -> DatabaseQueue {
        var configuration = GRDB.Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Whether the SQLite database at `path` has no table (a zero-length file has none).
    private static func isEmpty(_ path: String) throws -> Bool {
        do {
            let database = try openReadOnly(path)
            return try database.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
            } == 0
        } catch {
            throw DaemonError(.stateFolder, "the database \(path) could not be read", cause: error)
        }
    }
}
