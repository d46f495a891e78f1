import FleetTypes
import Foundation

/// The first line of a launch's log, which says whose log it is:
/// `# 2026-12-06T19:00:00.000Z launch shard-0.7 revision <sha> in <folder> argv ["python3","bot.py"]`.
///
/// ``LocalProcessLauncher`` and ``ForwardedLog`` write it when a launch opens its log, a rotation writes it again
/// at the top of the emptied live file, and ``LaunchLogRetention`` reads it to tell which release a log belongs to.
public struct LaunchLogHeader: Hashable, Sendable {
    /// The client the log is of, e.g. `shard-0.7`.
    public var clientID: String
    /// The revision the client ran (the full id).
    public var revision: String

    /// A header naming `clientID` and `revision`.
    public init(clientID: String, revision: String) {
        self.clientID = clientID
        self.revision = revision
    }

    /// Reads a header line (with or without its newline); nil when `line` is not the header of a launch.
    public init?(line: some StringProtocol) {
        let words = line.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: false)
        guard words.count >= 6, words[0] == "#", words[2] == "launch", words[4] == "revision",
              !words[3].isEmpty, !words[5].isEmpty
        else { return nil }
        // The revision without the line's end, trimmed without Foundation: every launch parses the header it
        // writes, a parse that took 8 % of the spawning thread with `trimmingCharacters(in: .newlines)`.
        var revision = words[5].drop { $0.isNewline }
        while revision.last?.isNewline == true { revision.removeLast() }
        self.init(clientID: String(words[3]), revision: String(revision))
    }

    /// The header of the log file at `path`: its first line, when that is a launch header.
    public init?(readingFirstLineOf path: String) {
        guard let line = Self.firstLine(of: path), let header = Self(line: line) else { return nil }
        self = header
    }

    /// The header line (without its newline) of a launch of `request` at `date`.
    static func line(for request: LaunchRequest, at date: Date) -> String {
        "# \(LogFile.timestamp(date)) launch \(request.clientID) revision \(request.revision) "
            + "in \(request.workingDirectory) argv \(JSONStringText.array(request.command))"
    }

    /// The header line of the live log at `path`: its first line when that is a launch header, else its newest
    /// rotation's (`<path>.1`); nil when neither has one.
    static func foundLine(of path: String) -> String? {
        [path, "\(path).1"].lazy.compactMap { firstLine(of: $0) }.first { Self(line: $0) != nil }
    }

    /// The first line of the file at `path` (without its newline), read from its first 4 KiB; nil when the file
    /// cannot be read or its first 4 KiB hold no newline.
    static func firstLine(of path: String) -> String? {
        guard let bytes = ProcFile.bytes(path, limit: 4096), let newline = bytes.firstIndex(of: UInt8(ascii: "\n"))
        else { return nil }
        return String(decoding: bytes[..<newline], as: UTF8.self)
    }
}
