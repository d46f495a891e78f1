import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a process uses now: for `status --json` (`rss_bytes`, `cpu_seconds`) and the `/metrics` usage gauges.
///
/// The resident memory comes from `/proc/<pid>/statm` and the CPU time from the process's CPU clock
/// (`clock_gettime` of the clock `clock_getcpuclockid` names): `status` reads every client's, and the kernel writes
/// `/proc/<pid>/stat`'s 52 fields for each read, a quarter of a 200-client status's CPU; the two together cost the
/// kernel about a third of that (round 21 of the scale benchmark).
public struct ProcessUsage: Equatable, Sendable {
    /// Resident memory (`statm`'s second field, pages, times the page size).
    public var rssBytes: Int
    /// User plus system CPU time of all the process's threads, ended ones included (its CPU clock).
    public var cpuSeconds: Double

    /// Reads the usage of process `pid`; nil when there is no such process (or it is a zombie without memory).
    public static func read(pid: Int32) -> ProcessUsage? {
        guard pid > 0, let cpuSeconds = cpuSeconds(of: pid), let bytes = ProcFile.bytes("/proc/\(pid)/statm"),
              let rssBytes = residentBytes(statm: bytes, pageSize: pageSize)
        else { return nil }
        return ProcessUsage(rssBytes: rssBytes, cpuSeconds: cpuSeconds)
    }

    /// Reads the usage of process `pid` with `descriptor`, its `/proc/<pid>/statm` held open, read from its start
    /// (the kernel writes the file anew for each read at offset 0); nil once the process is gone (the read fails
    /// with `ESRCH`). The clock is read first: a read of the held file that succeeds after it shows that `pid` was
    /// still the same process's when the clock was read (a pid is not reused while its process exists).
    public static func read(pid: Int32, statmDescriptor descriptor: Int32) -> ProcessUsage? {
        guard let cpuSeconds = cpuSeconds(of: pid) else { return nil }
        let bytes = [UInt8](unsafeUninitializedCapacity: statmCapacity) { buffer, initialized in
            var count = 0
            repeat {
                count = pread(descriptor, buffer.baseAddress, buffer.count, 0)
            } while count < 0 && errno == EINTR
            initialized = max(count, 0)
        }
        guard let rssBytes = residentBytes(statm: bytes, pageSize: pageSize) else { return nil }
        return ProcessUsage(rssBytes: rssBytes, cpuSeconds: cpuSeconds)
    }

    /// Room for a whole `statm` line: 7 numbers of at most 20 digits.
    private static let statmCapacity = 256

    /// The resident memory of a `statm` line (`size resident shared text lib data dt`, in pages); nil when it does
    /// not have 7 numbers or its size is 0 (a zombie, whose memory is gone).
    static func residentBytes(statm bytes: [UInt8], pageSize: Int) -> Int? {
        let fields = StatFields(statm: bytes)
        guard fields.count == 7, let size = fields.unsigned(1), size > 0,
              let pages = fields.unsigned(2).flatMap(Int.init(exactly:))
        else { return nil }
        let (resident, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        return overflow ? nil : resident
    }

    /// The CPU time of process `pid` (all its threads, its own only, not its children's); nil when there is no
    /// such process.
    static func cpuSeconds(of pid: Int32) -> Double? {
        var clock = clockid_t()
        // A clock id holds the pid shifted by three bits: a pid above the kernel's limit (2^22) would wrap into
        // another's, 0 (this process's) among them.
        guard pid > 0, pid <= maximumPid, clock_getcpuclockid(pid, &clock) == 0 else { return nil }
        var time = timespec()
        guard clock_gettime(clock, &time) == 0 else { return nil }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The largest pid a Linux kernel gives (`PID_MAX_LIMIT` on 64 bits).
    static let maximumPid: Int32 = 4_194_304

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
}
