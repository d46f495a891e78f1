#if canImport(Glibc)
import Glibc
#endif

/// The fields of `/proc/<pid>/stat` that identify a process.
struct ProcessStat: Equatable, Sendable {
    /// Field 3: R, S, D, Z, T, ...
    var state: Character
    /// Field 4.
    var parentPID: Int32
    /// Field 5.
    var processGroup: Int32
    /// Field 22, clock ticks after boot.
    var startTicks: UInt64

    /// Reads `/proc/<pid>/stat`; nil when there is no such process.
    static func read(pid: Int32) -> ProcessStat? {
        guard pid > 0, let bytes = ProcFile.bytes("/proc/\(pid)/stat"), let fields = StatFields(bytes) else { return nil }
        return from(fields)
    }

    /// Parses a stat line (fields counted after the command name's last `)`: ``StatFields``).
    static func parse(_ text: String) -> ProcessStat? {
        StatFields(Array(text.utf8)).flatMap(from)
    }

    private static func from(_ fields: StatFields) -> ProcessStat? {
        guard let state = fields.firstByte(3),
            let parent = fields.unsigned(4).flatMap(Int32.init(exactly:)),
            let group = fields.unsigned(5).flatMap(Int32.init(exactly:)),
            let start = fields.unsigned(22)
        else { return nil }
        return ProcessStat(state: Character(Unicode.Scalar(state)), parentPID: parent, processGroup: group, startTicks: start)
    }

    /// The kernel's boot id, which changes at every boot.
    static func bootID() -> String {
        let text = ProcFile.read("/proc/sys/kernel/random/boot_id") ?? ""
        return text.trimmingSuffix(while: { $0 == "\n" })
    }
}

/// Reads files with plain `read(2)`: small ones whose size `stat` reports as 0 (`/proc`), or the head of a large one.
enum ProcFile {
    /// The whole file as UTF-8, or nil when it cannot be opened.
    static func read(_ path: String) -> String? {
        bytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file's bytes, the first `limit` of them at most (a log's header line; a /proc file whole), or nil when
    /// it cannot be opened.
    static func bytes(_ path: String, limit: Int = .max) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(4096, limit))
        while bytes.count < limit {
            let wanted = min(chunk.count, limit - bytes.count)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, wanted) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }
}

extension String {
    /// The string without the trailing characters that match.
    func trimmingSuffix(while matches: (Character) -> Bool) -> String {
        var result = self
        while let last = result.last, matches(last) { result.removeLast() }
        return result
    }
}
