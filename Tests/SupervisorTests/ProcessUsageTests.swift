import FleetTypes
import Foundation
import Testing
@testable import Supervisor

@Suite struct ProcessUsageTests {
    @Test func aStatmLineGivesResidentMemory() {
        // A real line: size, resident, shared, text, lib (0), data, dt (0), in pages.
        let line = Array("52310 5000 1734 706 0 9215 0\n".utf8)
        #expect(ProcessUsage.residentBytes(statm: line, pageSize: 4096) == 5000 * 4096)
        #expect(ProcessUsage.residentBytes(statm: Array("52310 5000 1734".utf8), pageSize: 4096) == nil)
        #expect(ProcessUsage.residentBytes(statm: [], pageSize: 4096) == nil)
        // A zombie's line: its memory is gone.
        #expect(ProcessUsage.residentBytes(statm: Array("0 0 0 0 0 0 0\n".utf8), pageSize: 4096) == nil)
    }

    @Test func aFieldThatIsNotANumberOrOverflowsIsRefused() {
        #expect(ProcessUsage.residentBytes(statm: Array("52310 50x0 1734 706 0 9215 0".utf8), pageSize: 1) == nil)
        let huge = Array("52310 99999999999999999999999 1734 706 0 9215 0".utf8)
        #expect(ProcessUsage.residentBytes(statm: huge, pageSize: 1) == nil)
        let overflowing = Array("52310 \(Int.max / 2) 1734 706 0 9215 0".utf8)
        #expect(ProcessUsage.residentBytes(statm: overflowing, pageSize: 4096) == nil)
    }

    /// The CPU clock counts the whole process: a thread that burned 0.2 s of CPU and ended (joined) still counts.
    @Test func theCPUClockCountsEveryThreadOfTheProcessEndedOnesToo() throws {
        let before = try #require(ProcessUsage.cpuSeconds(of: getpid()))
        var worker = pthread_t()
        let created = pthread_create(&worker, nil, { _ in
            var clock = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &clock)
            let start = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
            var spent = 0.0
            while spent < 0.2 {
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &clock)
                spent = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9 - start
            }
            return nil
        }, nil)
        try #require(created == 0)
        pthread_join(worker, nil)
        let after = try #require(ProcessUsage.cpuSeconds(of: getpid()))
        #expect(after - before >= 0.2)
        #expect(ProcessUsage.cpuSeconds(of: 0) == nil)
        #expect(ProcessUsage.cpuSeconds(of: Int32.max) == nil, "beyond any pid: it would wrap into this process's clock")
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        #expect(ProcessUsage.cpuSeconds(of: gone.processIdentifier) == nil, "a process that ended and was reaped")
    }

    @Test func aBusyChildUsesCPUAndMemory() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.script("busy.py", """
            #!/usr/bin/env python3
            import os, time
            block = bytearray(32 << 20)
            for index in range(0, len(block), 4096):
                block[index] = 1
            deadline = time.process_time() + 0.3
            while time.process_time() < deadline:
                pass
            open("busy", "w").close()
            while not os.path.exists("done"):
                time.sleep(0.05)
            """)
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["python3", "./busy.py"], in: scratch))
        #expect(await eventually { FileManager.default.fileExists(atPath: scratch.file("busy")) })
        let usage = try #require(ProcessUsage.read(pid: process.pid))
        #expect(usage.rssBytes > 32 << 20)
        #expect(usage.cpuSeconds >= 0.3)
        _ = FileManager.default.createFile(atPath: scratch.file("done"), contents: nil)
        #expect(try await exitStatus(of: process) == .exited(code: 0))
        #expect(ProcessUsage.read(pid: process.pid) == nil)
    }

    @Test(arguments: [true, false])
    func aLaunchedProcessReadsItsUsageAfreshAndHoldsItsStatmUntilTheExitUnderARoomyLimit(roomy: Bool) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Burns CPU in steps: each `go<n>` file asks for 0.2 s more, `spent<n>` says it is done.
        try scratch.script("steps.py", """
            #!/usr/bin/env python3
            import os, time
            for step in range(2):
                while not os.path.exists("go%d" % step):
                    time.sleep(0.02)
                deadline = time.process_time() + 0.2
                while time.process_time() < deadline:
                    pass
                open("spent%d" % step, "w").close()
            while not os.path.exists("done"):
                time.sleep(0.02)
            """)
        // A floor of 0 is below any limit, UInt64.max above any.
        let launcher = LocalProcessLauncher(usageFileLimitFloor: roomy ? 0 : .max)
        let process = try launcher.spawn(request(["python3", "./steps.py"], in: scratch))
        let statPath = "/proc/\(process.pid)/statm"
        var spent: [Double] = []
        for step in 0..<2 {
            _ = FileManager.default.createFile(atPath: scratch.file("go\(step)"), contents: nil)
            #expect(await eventually { FileManager.default.fileExists(atPath: scratch.file("spent\(step)")) })
            spent.append(try #require(await process.usage()).cpuSeconds)
        }
        // The second read (under a roomy limit with the descriptor the first opened) sees the CPU time spent since
        // (0.2 s).
        #expect(spent[1] >= spent[0] + 0.15)
        #expect(openDescriptors(to: statPath) == (roomy ? 1 : 0))
        _ = FileManager.default.createFile(atPath: scratch.file("done"), contents: nil)
        #expect(try await exitStatus(of: process) == .exited(code: 0))
        #expect(await process.usage() == nil)
        #expect(openDescriptors(to: statPath) == 0, "the statm file is closed once the exit is observed")
    }

    /// How many of this process's descriptors are open on `path`.
    private func openDescriptors(to path: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path }.count
    }
}
