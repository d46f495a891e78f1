#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import Supervisor

/// The process monitor's thread, where every exit is first seen, shows under its own name.
@Suite struct ProcessMonitorTests {
    @Test func handlersRunOnTheMonitorThreadUnderItsName() async throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer { for end in ends { close(end) } }
        let (names, seen) = AsyncStream.makeStream(of: String.self)
        // A pipe's read end stands for a pidfd: the monitor runs the handler once the descriptor is readable.
        try ProcessMonitor.shared.watch(pidfd: ends[0]) { seen.yield(currentThreadName()) }
        #expect(write(ends[1], "x", 1) == 1)
        let name = await names.next(within: .seconds(60))
        #expect(ProcessMonitor.threadName.utf8.count <= 15, "the kernel keeps 15 bytes of a thread's name")
        #expect(name == ProcessMonitor.threadName)
        #expect(processThreadNames().contains(ProcessMonitor.threadName), "\(processThreadNames())")
    }
}
