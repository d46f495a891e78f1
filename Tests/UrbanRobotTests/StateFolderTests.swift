@testable import FleetConfiguration
@testable import FleetDaemon
import Foundation
import Logging
import Testing

/// What `Daemon.init` checks in its state folder before it reads anything: the lock, and the database.
@Suite("Daemon state folder", .serialized)
struct StateFolderTests {
    /// A temporary folder with a token file and a configuration whose state folder is `<folder>/state`.
    private final class Workspace {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)").path
        var configuration = Configuration()

        init() throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "state-folder-test-token".write(toFile: "\(folder)/discord.token", atomically: true, encoding: .utf8)
            configuration.bot.token = .file("\(folder)/discord.token")
            configuration.source.url = "\(folder)/source.git"
            configuration.state.directory = "\(folder)/state"
        }

        deinit { try? FileManager.default.removeItem(atPath: folder) }

        var state: String { configuration.state.directory }

        func daemon(resetState: Bool = false) throws -> Daemon {
            try Daemon(configuration: configuration, logger: Logger(label: "state-folder-test"), resetState: resetState)
        }

        /// What a daemon that ran a fleet leaves besides its database: a release and a bot's log.
        func leaveReleaseAndLog() throws {
            try FileManager.default.createDirectory(atPath: "\(state)/releases/0123abcd", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(state)/logs/0", withIntermediateDirectories: true)
            try "an old bot's log\n".write(toFile: "\(state)/logs/0/old.log", atomically: true, encoding: .utf8)
        }
    }

    private func expectDaemonError(_ code: DaemonError.Code, _ body: () throws -> Void) -> DaemonError? {
        do {
            try body()
            Issue.record("expected DaemonError \(code), nothing was thrown")
        } catch let error as DaemonError {
            #expect(error.code == code, "\(error)")
            return error
        } catch {
            Issue.record("expected DaemonError \(code), got \(error)")
        }
        return nil
    }

    @Test("a second daemon on the same state folder is refused at once, naming the lock file and its holder")
    func secondDaemonRefused() throws {
        let workspace = try Workspace()
        var first: Daemon? = try workspace.daemon()
        let lock = "\(workspace.state)/daemon.lock"
        #expect(try String(contentsOfFile: lock, encoding: .utf8) == "\(getpid())\n")

        let error = expectDaemonError(.stateLocked) { _ = try workspace.daemon() }
        #expect(error?.message.contains(lock) == true, "\(String(describing: error))")
        #expect(error?.message.contains("pid \(getpid())") == true, "\(String(describing: error))")

        #expect(first != nil)
        first = nil
        _ = try workspace.daemon()
    }

    @Test("a state folder with releases and logs but no state.sqlite, or an empty one, is refused")
    func lostDatabaseRefused() throws {
        let workspace = try Workspace()
        try workspace.leaveReleaseAndLog()
        let missing = expectDaemonError(.stateMissing) { _ = try workspace.daemon() }
        #expect(missing?.message.contains("no \(workspace.state)/state.sqlite") == true, "\(String(describing: missing))")
        #expect(missing?.message.contains("--reset-state") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(workspace.state)/state.sqlite"))

        #expect(FileManager.default.createFile(atPath: "\(workspace.state)/state.sqlite", contents: Data()))
        let empty = expectDaemonError(.stateMissing) { _ = try workspace.daemon() }
        #expect(empty?.message.contains("an empty \(workspace.state)/state.sqlite") == true, "\(String(describing: empty))")
    }

    @Test("resetState moves the old contents aside and starts fresh; a daemon's own database is accepted again")
    func resetStateMovesAside() throws {
        let workspace = try Workspace()
        try workspace.leaveReleaseAndLog()
        try workspace.daemon(resetState: true).stateLock.release()

        let entries = try FileManager.default.contentsOfDirectory(atPath: workspace.state)
        let aside = try #require(entries.first { $0.hasPrefix("reset-") })
        #expect(try String(contentsOfFile: "\(workspace.state)/\(aside)/logs/0/old.log", encoding: .utf8) == "an old bot's log\n")
        #expect(FileManager.default.fileExists(atPath: "\(workspace.state)/\(aside)/releases/0123abcd"))
        #expect(FileManager.default.fileExists(atPath: "\(workspace.state)/state.sqlite"))

        try workspace.leaveReleaseAndLog()
        _ = try workspace.daemon()
    }

    @Test("state.sqlite and admin.token are created 0600, and made 0600 when found looser")
    func privateFiles() throws {
        let workspace = try Workspace()
        func mode(_ name: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: "\(workspace.state)/\(name)")
            return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        let previous = umask(0o022)
        defer { umask(previous) }
        try workspace.daemon().stateLock.release()
        #expect(try mode("state.sqlite") == 0o600)
        #expect(try mode("admin.token") == 0o600)

        for name in ["state.sqlite", "admin.token"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: "\(workspace.state)/\(name)")
        }
        _ = try workspace.daemon()
        #expect(try mode("state.sqlite") == 0o600)
        #expect(try mode("admin.token") == 0o600)
    }

    @Test("a new, empty state folder starts")
    func freshFolderStarts() throws {
        let workspace = try Workspace()
        _ = try workspace.daemon()
        #expect(FileManager.default.fileExists(atPath: "\(workspace.state)/state.sqlite"))
    }
}
