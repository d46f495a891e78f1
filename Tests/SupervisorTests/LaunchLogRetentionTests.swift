import FleetTypes
import Foundation
import Testing
@testable import Supervisor

@Suite struct LaunchLogRetentionTests {
    static let gone = String(repeating: "a", count: 40)
    static let kept = String(repeating: "b", count: 40)

    /// A log under `<scratch>/logs/<path>` whose first line is `header`, then a line of output.
    func write(_ scratch: Scratch, _ path: String, header: String) throws {
        let file = scratch.file("logs/\(path)")
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try (header + "\nsome output\n").write(toFile: file, atomically: true, encoding: .utf8)
    }

    func launchHeader(_ client: String, _ revision: String) -> String {
        "# 2026-12-06T19:00:00.000Z launch \(client) revision \(revision) in /srv/releases/\(revision) argv [\"bot\"]"
    }

    func exists(_ scratch: Scratch, _ path: String) -> Bool {
        FileManager.default.fileExists(atPath: scratch.file("logs/\(path)"))
    }

    @Test func theLogsOfARevisionNotKeptGoWithTheirRotationsAndTheRestStays() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (gone, kept) = (Self.gone, Self.kept)
        try write(scratch, "0/shard-0.1.log", header: launchHeader("shard-0.1", gone))
        try write(scratch, "0/shard-0.1.log.1", header: launchHeader("shard-0.1", gone))
        try write(scratch, "0/shard-0.1.log.2", header: "# 2026-12-06T18:00:00.000Z log rotated at 10 bytes")
        try write(scratch, "0/shard-0.2.log", header: launchHeader("shard-0.2", kept))
        try write(scratch, "1/shard-1.1.log", header: launchHeader("shard-1.1", gone))
        try write(scratch, "12/unmanaged-12.3.log", header: launchHeader("unmanaged-12.3", gone))
        // A live file emptied by a rotation of an older version (no header): its newest rotation says whose it is.
        try write(scratch, "1/shard-1.2.log", header: "# 2026-12-06T18:00:00.000Z log rotated at 10 bytes")
        try write(scratch, "1/shard-1.2.log.1", header: "# 2026-12-06T18:00:00.000Z log rotated at 10 bytes")
        try write(scratch, "1/shard-1.2.log.2", header: launchHeader("shard-1.2", gone))
        // Rotations whose live file is gone.
        try write(scratch, "1/shard-1.3.log.1", header: launchHeader("shard-1.3", gone))
        // A client of the revision that still runs (its logs stay until it exits) and one of a running revision.
        try write(scratch, "1/shard-1.4.log", header: launchHeader("shard-1.4", gone))
        // Files that are not launch logs, or that nothing attributes: left alone.
        try write(scratch, "0/notes.log", header: "operator's notes")
        try write(scratch, "0/shard-0.1.log.old", header: launchHeader("shard-0.1", gone))
        try write(scratch, "0/shard-0.1.log.+1", header: launchHeader("shard-0.1", gone))
        try write(scratch, "0/shard-0.9.txt", header: launchHeader("shard-0.9", gone))
        try write(scratch, "elsewhere/shard-0.5.log", header: launchHeader("shard-0.5", gone))
        try write(scratch, "daemon.log", header: launchHeader("shard-0.6", gone))

        let removed = LaunchLogRetention(folder: scratch.file("logs"))
            .removeLogs(keepingRevisions: [kept], runningClients: ["shard-1.4"])

        let expected = [
            "0/shard-0.1.log", "0/shard-0.1.log.1", "0/shard-0.1.log.2", "1/shard-1.1.log", "12/unmanaged-12.3.log",
            "1/shard-1.2.log", "1/shard-1.2.log.1", "1/shard-1.2.log.2", "1/shard-1.3.log.1",
        ]
        #expect(Set(removed) == Set(expected.map { scratch.file("logs/\($0)") }))
        for path in expected { #expect(!exists(scratch, path), "\(path)") }
        for path in [
            "0/shard-0.2.log", "1/shard-1.4.log", "0/notes.log", "0/shard-0.1.log.old", "0/shard-0.1.log.+1",
            "0/shard-0.9.txt", "elsewhere/shard-0.5.log", "daemon.log",
        ] {
            #expect(exists(scratch, path), "\(path)")
        }
    }

    @Test func buildLogsGoWithTheirRevision() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        for revision in [Self.gone, Self.kept] { try write(scratch, "build/\(revision).log", header: "# build") }
        try write(scratch, "build/not-a-revision.log", header: "# build")

        let removed = LaunchLogRetention(folder: scratch.file("logs"))
            .removeLogs(keepingRevisions: [Self.kept], runningClients: [])

        #expect(removed == [scratch.file("logs/build/\(Self.gone).log")])
        #expect(exists(scratch, "build/\(Self.kept).log") && exists(scratch, "build/not-a-revision.log"))
    }

    @Test func aKeptLogsHeaderIsReadOnce() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let retention = LaunchLogRetention(folder: scratch.file("logs"))
        try write(scratch, "0/shard-0.1.log", header: launchHeader("shard-0.1", Self.kept))
        #expect(retention.removeLogs(keepingRevisions: [Self.kept], runningClients: []).isEmpty)
        #expect(retention.rememberedOwners == 1)

        // The file now claims another revision: the retention goes by the header it read, not by the file again.
        try write(scratch, "0/shard-0.1.log", header: launchHeader("shard-0.1", Self.gone))
        #expect(retention.removeLogs(keepingRevisions: [Self.kept], runningClients: []).isEmpty)
        #expect(exists(scratch, "0/shard-0.1.log"))
        #expect(retention.removeLogs(keepingRevisions: [], runningClients: []) == [scratch.file("logs/0/shard-0.1.log")])
        #expect(retention.rememberedOwners == 0)
    }

    @Test func aLogNoLongerListedIsForgotten() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let retention = LaunchLogRetention(folder: scratch.file("logs"))
        try write(scratch, "0/shard-0.1.log", header: launchHeader("shard-0.1", Self.kept))
        retention.removeLogs(keepingRevisions: [Self.kept], runningClients: [])
        try FileManager.default.removeItem(atPath: scratch.file("logs/0/shard-0.1.log"))
        retention.removeLogs(keepingRevisions: [Self.kept], runningClients: [])
        #expect(retention.rememberedOwners == 0)

        // A file of that name written again is read again.
        try write(scratch, "0/shard-0.1.log", header: launchHeader("shard-0.1", Self.gone))
        #expect(retention.removeLogs(keepingRevisions: [Self.kept], runningClients: []) == [scratch.file("logs/0/shard-0.1.log")])
    }

    @Test func onlyAHeaderThatNamesItsOwnLogIsRemembered() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let retention = LaunchLogRetention(folder: scratch.file("logs"))
        try write(scratch, "0/copied.log", header: launchHeader("shard-0.5", Self.kept))
        // A live file a rotation of an older version emptied: its header comes from its rotation, and is its own.
        try write(scratch, "1/shard-1.2.log", header: "# 2026-12-06T18:00:00.000Z log rotated at 10 bytes")
        try write(scratch, "1/shard-1.2.log.1", header: launchHeader("shard-1.2", Self.kept))
        // Kept because it runs: remembered too.
        try write(scratch, "2/shard-2.1.log", header: launchHeader("shard-2.1", Self.gone))
        #expect(retention.removeLogs(keepingRevisions: [Self.kept], runningClients: ["shard-2.1"]).isEmpty)
        #expect(retention.rememberedOwners == 2)

        try write(scratch, "0/copied.log", header: launchHeader("shard-0.5", Self.gone))
        #expect(retention.removeLogs(keepingRevisions: [Self.kept], runningClients: ["shard-2.1"]) == [scratch.file("logs/0/copied.log")])
    }

    @Test func aMissingFolderRemovesNothing() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        #expect(LaunchLogRetention(folder: scratch.file("logs")).removeLogs(keepingRevisions: [], runningClients: []).isEmpty)
    }

    @Test func theHeaderALaunchWritesIsReadBack() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launch = try request(["./bot.sh", "a b"], in: scratch, name: "shard-3.14")
        let line = LaunchLogHeader.line(for: launch, at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(LaunchLogHeader(line: line) == LaunchLogHeader(clientID: "shard-3.14", revision: launch.revision))
        #expect(LaunchLogHeader(line: line + "\n") == LaunchLogHeader(clientID: "shard-3.14", revision: launch.revision))
        #expect(LaunchLogHeader(line: line + "\r\n") == LaunchLogHeader(clientID: "shard-3.14", revision: launch.revision))
        #expect(
            LaunchLogHeader(line: "# t launch shard-0.1 revision \nabc\n\n")
                == LaunchLogHeader(clientID: "shard-0.1", revision: "abc"))
        for other in [
            "", "#", "# 2026 log rotated at 10 bytes; earlier output in x.log.1", "# 2026 launch shard-0.1",
            "# 2026 launch shard-0.1 revision", "2026 launch shard-0.1 revision abc in x", "# 2026 adopt shard-0.1 revision abc",
            "#  launch  revision abc",
        ] {
            #expect(LaunchLogHeader(line: other) == nil, "\(other)")
        }
    }
}
