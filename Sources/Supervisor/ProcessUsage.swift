import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a process uses now, from `/proc/<pid>/stat`: for `status --json` (`rss_bytes`, `cpu_seconds`).
public struct ProcessUsage: Equatable, Sendable {
    /// Resident memory (field 24, pages, times the page size).
    public var rssBytes: Int
    /// User plus system CPU time (fields 14 and 15, clock ticks, over `_SC_CLK_TCK`).
    public var cpuSeconds: Double

    /// Reads the usage of process `pid`; nil when there is no such process (or it is a zombie without memory).
    public static func read(pid: Int32) -> ProcessUsage? {
        guard pid > 0, let text = ProcFile.read("/proc/\(pid)/stat") else { return nil }
        return parse(text, pageSize: Int(sysconf(Int32(_SC_PAGESIZE))), ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// Parses a stat line (fields counted after the command name's last `)`, as ``ProcessStat`` does).
    static func parse(_ text: String, pageSize: Int, ticksPerSecond: Double) -> ProcessUsage? {
        guard let close = text.lastIndex(of: ")"), ticksPerSecond > 0 else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3.
        guard fields.count > 21, let user = UInt64(fields[11]), let system = UInt64(fields[12]), let pages = Int(fields[21])
        else { return nil }
        return ProcessUsage(rssBytes: pages * pageSize, cpuSeconds: Double(user + system) / ticksPerSecond)
    }
}
