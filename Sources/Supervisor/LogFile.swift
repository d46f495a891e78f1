#if canImport(Glibc)
import Glibc
#endif
import CSupervisorShims
import Foundation

/// A process's log file: created with a header line, written directly by the
/// process (stdout and stderr share one `O_APPEND` descriptor), and rotated
/// by copy-and-truncate.
///
/// Why the process writes the file itself rather than a pipe that we drain:
/// a bot must outlive the daemon, and a pipe whose reader died turns the
/// bot's next write into SIGPIPE. A file never blocks a fast writer, and a
/// bot that closes its stdout only closes its own descriptor.
///
/// Why copy-and-truncate: the process holds the file open, so renaming it
/// would not stop its growth. The rotation copies the live file to `.1`
/// (after shifting `.1` to `.2` ...), copies again whatever arrived during the
/// copy, and truncates the live file to its first line when that is the launch's header (``LaunchLogHeader``), else
/// to zero with the header appended; a line saying so follows. The process's `O_APPEND` writes then land at the new
/// end. Output written between the last copy and the truncation (microseconds) is lost. Truncating to the header
/// keeps it first in one system call: a header appended after the truncation could come second, behind a write of
/// the bot's (a CI run, on a loaded box). `tail -F` follows the truncation.
///
/// Why a relay when the policy names secrets: the bot's output must reach the
/// file without them, so it goes through a pipe to a small process that
/// replaces each secret by `<redacted>` (`csup_start_relay`, started from ``RelayProgram/path``). The relay is
/// not the daemon: it lives in its own session, ignores the stop signals and
/// exits at the pipe's EOF, so the bot keeps a reader (no SIGPIPE) when the
/// daemon dies, and its last words are written after a stop.
struct LogFile: Sendable {
    let policy: LogPolicy
    /// The launch's header line (``LaunchLogHeader``), kept (or written back) at the top of the live file each time
    /// it is emptied; nil: the live file's first line then, when it is one. Kept here for a file whose first line is
    /// not the header (an adopted log written before rotations kept it first): read back from the file, the header
    /// would be lost for every later rotation, whose files the log retention (``LaunchLogRetention``) could no
    /// longer attribute and so never remove.
    var launchHeader: String?

    /// A log file of `policy`; `launchHeader` is its launch's header line, when known (``launchHeader``).
    init(policy: LogPolicy, launchHeader: String? = nil) {
        self.policy = policy
        self.launchHeader = launchHeader.flatMap { LaunchLogHeader(line: $0) == nil ? nil : $0 }
    }

    /// Creates the folder, opens the live log for appending (close-on-exec)
    /// and writes `header` as its first line. Returns the descriptor.
    func open(header: String) throws(SupervisorError) -> Int32 {
        let folder = (policy.path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw SupervisorError(.logFailed, "cannot create log folder \(folder); check its permissions")
        }
        let fd = Glibc.open(policy.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw SupervisorError(
                .logFailed, "cannot open log file \(policy.path); check the state folder's permissions",
                cause: SystemCallError("open", errno: errno))
        }
        Self.append(header + "\n", to: fd)
        return fd
    }

    /// The descriptor the process writes to: `fd` itself, or, when the policy names secrets, the write end of a
    /// redacting relay's pipe into `fd` (close both once the process is started). The relay is started from
    /// `relay` (``RelayProgram/path``: the small relay program, else this executable).
    func output(into fd: Int32, relay: String = RelayProgram.path) throws(SupervisorError) -> Int32 {
        let secrets = policy.redacting.filter { !$0.isEmpty }.sorted { $0.utf8.count > $1.utf8.count }
        guard !secrets.isEmpty else { return fd }
        let copies = secrets.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        var pipe: Int32 = -1
        let rc = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            csup_start_relay(fd, relay, buffer.baseAddress, buffer.count, &pipe)
        }
        guard rc == 0 else {
            throw SupervisorError(.logFailed, "cannot start the redacting relay of \(policy.path)", cause: SystemCallError("csup_start_relay", errno: rc))
        }
        return pipe
    }

    /// The live file's size; nil when it cannot be read.
    func size() -> Int? {
        var info = stat()
        return stat(policy.path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Rotates when the live file is larger than the cap. Returns true when it rotated.
    @discardableResult
    func rotateIfNeeded() -> Bool {
        guard let size = size(), size > policy.maxBytes else { return false }
        // The launch's header goes back at the top of the emptied file: the live log says whose it is.
        let header = launchHeader
            ?? LaunchLogHeader.firstLine(of: policy.path).flatMap { LaunchLogHeader(line: $0) == nil ? nil : $0 }
        if policy.keptRotations > 0 {
            for index in stride(from: policy.keptRotations - 1, through: 1, by: -1) {
                rename("\(policy.path).\(index)", "\(policy.path).\(index + 1)")
            }
            guard copy(from: policy.path, to: "\(policy.path).1") else { return false }
        }
        let kept = policy.keptRotations > 0 ? "; earlier output in \(Self.fileName(policy.path)).1" : ""
        let marker = "# \(Self.timestamp()) log rotated at \(policy.maxBytes) bytes\(kept)\n"
        let fd = Glibc.open(policy.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { return truncate(policy.path, 0) == 0 }
        defer { close(fd) }
        // When the file starts with the header, truncating to its length keeps it first, whatever the bot writes
        // meanwhile (appends never change a file's start); else it is appended after the truncation.
        let headerLine = header.map { Array(($0 + "\n").utf8) }
        let keptLength = headerLine.flatMap { ProcFile.bytes(policy.path, limit: $0.count) == $0 ? $0.count : nil }
        guard ftruncate(fd, off_t(keptLength ?? 0)) == 0 else { return false }
        Self.append(keptLength != nil ? marker : header.map { $0 + "\n" + marker } ?? marker, to: fd)
        return true
    }

    /// The last `maxBytes` of the live log, from the first full line.
    func tail(maxBytes: Int = 4096) -> String {
        guard let handle = FileHandle(forReadingAtPath: policy.path) else { return "" }
        defer { try? handle.close() }
        let end = (try? handle.seekToEnd()) ?? 0
        let start = end > UInt64(maxBytes) ? end - UInt64(maxBytes) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        var text = String(decoding: data, as: UTF8.self)
        if start > 0, let newline = text.firstIndex(of: "\n") {
            text = String(text[text.index(after: newline)...])
        }
        return text
    }

    /// An ISO 8601 UTC timestamp with milliseconds.
    static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    private static func fileName(_ path: String) -> String {
        (path as NSString).lastPathComponent
    }

    static func append(_ text: String, to fd: Int32) {
        append(Array(text.utf8), to: fd)
    }

    /// Writes all of `bytes` to `fd` (retrying short writes and EINTR); stops at an error.
    static func append(_ bytes: [UInt8], to fd: Int32) {
        var bytes = bytes
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Copies `source` to `destination` up to the source's end at the time of
    /// the last read, so bytes appended during the copy are included.
    private func copy(from source: String, to destination: String) -> Bool {
        let input = Glibc.open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { return false }
        defer { close(input) }
        let output = Glibc.open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard output >= 0 else { return false }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return false }
            if count == 0 { return true }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(output, $0.baseAddress! + offset, count - offset) }
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return false }
                offset += written
            }
        }
    }
}
