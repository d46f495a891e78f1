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
        guard pid > 0, let bytes = ProcFile.bytes("/proc/\(pid)/stat"), let fields = StatFields(bytes) else { return nil }
        return from(fields, pageSize: pageSize, ticksPerSecond: ticksPerSecond)
    }

    /// Reads the usage from `descriptor`, an open `/proc/<pid>/stat`, from its start (the kernel writes the file
    /// anew for each read at offset 0); nil once the process is gone (the read fails with `ESRCH`) or the line
    /// cannot be parsed.
    public static func read(statDescriptor descriptor: Int32) -> ProcessUsage? {
        let bytes = [UInt8](unsafeUninitializedCapacity: statLineCapacity) { buffer, initialized in
            var count = 0
            repeat {
                count = pread(descriptor, buffer.baseAddress, buffer.count, 0)
            } while count < 0 && errno == EINTR
            initialized = max(count, 0)
        }
        guard let fields = StatFields(bytes) else { return nil }
        return from(fields, pageSize: pageSize, ticksPerSecond: ticksPerSecond)
    }

    /// Room for a whole stat line: 52 numbers of at most 20 digits and a command name of at most 64 bytes.
    private static let statLineCapacity = 2048

    /// Parses a stat line (fields counted after the command name's last `)`: ``StatFields``).
    static func parse(_ text: String, pageSize: Int, ticksPerSecond: Double) -> ProcessUsage? {
        StatFields(Array(text.utf8)).flatMap { from($0, pageSize: pageSize, ticksPerSecond: ticksPerSecond) }
    }

    private static func from(_ fields: StatFields, pageSize: Int, ticksPerSecond: Double) -> ProcessUsage? {
        guard ticksPerSecond > 0, let user = fields.unsigned(14), let system = fields.unsigned(15),
              let pages = fields.unsigned(24).flatMap(Int.init(exactly:))
        else { return nil }
        return ProcessUsage(rssBytes: pages * pageSize, cpuSeconds: Double(user + system) / ticksPerSecond)
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
}
