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
        guard pid > 0, let text = ProcFile.read("/proc/\(pid)/stat") else { return nil }
        return parse(text)
    }

    /// Parses a stat line. The command name (field 2) is in parentheses and
    /// may itself hold spaces and parentheses, so fields are counted after the last `)`.
    static func parse(_ text: String) -> ProcessStat? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3.
        guard fields.count > 19,
            let state = fields[0].first,
            let parent = Int32(fields[1]),
            let group = Int32(fields[2]),
            let start = UInt64(fields[19])
        else { return nil }
        return ProcessStat(state: state, parentPID: parent, processGroup: group, startTicks: start)
    }

    /// The kernel's boot id, which changes at every boot.
    static func bootID() -> String {
        let text = ProcFile.read("/proc/sys/kernel/random/boot_id") ?? ""
        return text.trimmingSuffix(while: { $0 == "\n" })
    }
}

/// Reads small files whose size `stat` reports as 0 (`/proc`).
enum ProcFile {
    /// The whole file as UTF-8, or nil when it cannot be opened.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
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
