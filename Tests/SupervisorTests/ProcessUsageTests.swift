import FleetTypes
import Foundation
import Testing
@testable import Supervisor

@Suite struct ProcessUsageTests {
    @Test func aStatLineGivesResidentMemoryAndCPUTime() {
        // A real line's shape: the command name holds a space and a parenthesis.
        let line = "4242 (python3 (bot)) S 1 4242 4242 0 -1 4194560 2615 0 0 0 150 25 0 0 20 0 3 0 123456 "
            + "210000000 5000 18446744073709551615 1 1 0 0 0 0 0 16781312 16386 0 0 0 17 1 0 0 0 0 0"
        #expect(ProcessUsage.parse(line, pageSize: 4096, ticksPerSecond: 100) == ProcessUsage(rssBytes: 5000 * 4096, cpuSeconds: 1.75))
        #expect(ProcessUsage.parse("4242 (short) S 1 2 3", pageSize: 4096, ticksPerSecond: 100) == nil)
    }

    @Test func aFieldThatIsNotANumberOrOverflowsIsRefused() {
        let fields = (3...52).map { $0 == 3 ? "S" : "\($0)" }
        let line = "1 (bot) " + fields.joined(separator: " ") + "\n"
        #expect(ProcessUsage.parse(line, pageSize: 1, ticksPerSecond: 1) == ProcessUsage(rssBytes: 24, cpuSeconds: 29))
        var bad = fields
        bad[14 - 3] = "1x"
        #expect(ProcessUsage.parse("1 (bot) " + bad.joined(separator: " "), pageSize: 1, ticksPerSecond: 1) == nil)
        bad[14 - 3] = "99999999999999999999999"
        #expect(ProcessUsage.parse("1 (bot) " + bad.joined(separator: " "), pageSize: 1, ticksPerSecond: 1) == nil)
        #expect(ProcessUsage.parse("no parenthesis at all", pageSize: 1, ticksPerSecond: 1) == nil)
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
    func aLaunchedProcessReadsItsStatFileAfreshAndHoldsItUntilTheExitUnderARoomyLimit(roomy: Bool) async throws {
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
        let launcher = LocalProcessLauncher(statFileLimitFloor: roomy ? 0 : .max)
        let process = try launcher.spawn(request(["python3", "./steps.py"], in: scratch))
        let statPath = "/proc/\(process.pid)/stat"
        var spent: [Double] = []
        for step in 0..<2 {
            _ = FileManager.default.createFile(atPath: scratch.file("go\(step)"), contents: nil)
            #expect(await eventually { FileManager.default.fileExists(atPath: scratch.file("spent\(step)")) })
            spent.append(try #require(await process.usage()).cpuSeconds)
        }
        // The second read (under a roomy limit through the descriptor the first opened) sees the CPU time spent
        // since: 0.2 s, counted in clock ticks of 10 ms (0.19 s or more).
        #expect(spent[1] >= spent[0] + 0.15)
        #expect(openDescriptors(to: statPath) == (roomy ? 1 : 0))
        _ = FileManager.default.createFile(atPath: scratch.file("done"), contents: nil)
        #expect(try await exitStatus(of: process) == .exited(code: 0))
        #expect(await process.usage() == nil)
        #expect(openDescriptors(to: statPath) == 0, "the stat file is closed once the exit is observed")
    }

    /// How many of this process's descriptors are open on `path`.
    private func openDescriptors(to path: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path }.count
    }
}
