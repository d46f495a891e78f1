import FleetTypes
import Foundation
import Testing
@testable import Supervisor

@Suite(.serialized) struct LogTests {
    @Test func theLogIsReadableWhileTheBotRuns() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.script("bot.sh", """
            #!/bin/sh
            echo "serving shard $URBAN_ROBOT_SHARD"
            while [ ! -e done ]; do sleep 0.05; done
            """)
        let launcher = LocalProcessLauncher()
        var environment = try plainEnvironment()
        environment["URBAN_ROBOT_SHARD"] = "3"
        let process = try launcher.spawn(request(["./bot.sh"], in: scratch, environment: environment))
        #expect(await eventually { scratch.read("logs/shard-0.1.log").contains("serving shard 3\n") })
        #expect(process.exit == nil)
        _ = FileManager.default.createFile(atPath: scratch.file("done"), contents: nil)
        #expect(try await exitStatus(of: process) == .exited(code: 0))
    }

    @Test func theLogIsCappedAndRotated() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // 60 bursts of 400 numbered 100-byte lines (40 kB), one every 0.1 s: 2.4 MB in about 6 s.
        try scratch.script("chatty.py", """
            #!/usr/bin/env python3
            import sys, time
            n = 0
            for burst in range(60):
                for _ in range(400):
                    sys.stdout.write("%08d %s\\n" % (n, "x" * 90))
                    n += 1
                sys.stdout.flush()
                time.sleep(0.1)
            print("END")
            """)
        let cap = 256 << 10
        let log = LogPolicy(path: scratch.file("logs/chatty.log"), maxBytes: cap, keptRotations: 2)
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["python3", "./chatty.py"], in: scratch, log: log))
        #expect(try await exitStatus(of: process) == .exited(code: 0))

        let live = scratch.read("logs/chatty.log")
        let newest = scratch.read("logs/chatty.log.1")
        let older = scratch.read("logs/chatty.log.2")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("logs/chatty.log.3")))
        // A check every second lets a file pass the cap by about 400 kB at this rate; 1 MB leaves room for a slow box.
        for text in [live, newest, older] { #expect(text.utf8.count < cap + (1 << 20)) }
        #expect(live.contains("log rotated at \(cap) bytes; earlier output in chatty.log.1"))
        // Each file starts with the launch's header, the emptied live file too: it says whose log it is.
        for name in ["chatty.log", "chatty.log.1", "chatty.log.2"] {
            let header = LaunchLogHeader(readingFirstLineOf: scratch.file("logs/\(name)"))
            #expect(header == LaunchLogHeader(clientID: "shard-0.1", revision: "0123456789abcdef0123456789abcdef01234567"), "\(name)")
        }

        // The script's output across the files in rotation order, without the `#` header and marker lines.
        // The checks run on a 1 s tick until the exit is observed, so one may fall between the final
        // `print("END")` and the exit: then END closes chatty.log.1 and the live file holds only the marker.
        func outputLines(_ text: String) -> [Substring] {
            text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        }
        func numbers(_ lines: [Substring]) -> [Int] {
            lines.compactMap { Int($0.prefix(8)) }
        }
        let output = [older, newest, live].flatMap(outputLines)
        #expect(output.last == "END")
        #expect(output.filter { $0 == "END" }.count == 1)
        #expect(!numbers(outputLines(older)).isEmpty && !numbers(outputLines(newest)).isEmpty)
        // Order is kept: the numbered lines increase strictly from the oldest file to the live one.
        let written = numbers(output)
        #expect(zip(written, written.dropFirst()).allSatisfy { $0 < $1 }, "numbered lines out of order across the files")
    }

    @Test func aFastWriterIsNeverBlocked() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let log = LogPolicy(path: scratch.file("logs/fast.log"), maxBytes: 4 << 20, keptRotations: 0)
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["head", "-c", "67108864", "/dev/zero"], in: scratch, log: log))
        #expect(try await exitStatus(of: process) == .exited(code: 0))
    }

    @Test func rotationPutsTheLaunchHeaderBackEvenWhenTheLiveFileNoLongerStartsWithIt() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let header = LaunchLogHeader.line(for: try request(["true"], in: scratch), at: Date())
        let file = LogFile(policy: LogPolicy(path: scratch.file("logs/t.log"), maxBytes: 100, keptRotations: 1),
                           launchHeader: header)
        let fd = try file.open(header: header)
        defer { close(fd) }
        // As after a rotation raced by the bot: its output landed before the header the rotation appended.
        #expect(ftruncate(fd, 0) == 0)
        let early = "00000001 written between the truncation and the header\n\(header)\n" + String(repeating: "x", count: 200) + "\n"
        _ = early.withCString { write(fd, $0, strlen($0)) }
        #expect(file.rotateIfNeeded())
        #expect(LaunchLogHeader.firstLine(of: scratch.file("logs/t.log")) == header)
        #expect(scratch.read("logs/t.log.1") == early)
    }

    @Test func aWriterRacingTheRotationNeverComesBeforeTheHeader() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let header = LaunchLogHeader.line(for: try request(["python3"], in: scratch), at: Date())
        let cap = 16 << 10
        let file = LogFile(policy: LogPolicy(path: scratch.file("logs/t.log"), maxBytes: cap, keptRotations: 1),
                           launchHeader: header)
        let fd = try file.open(header: header)
        defer { close(fd) }
        // The bot writes a line a system call, as fast as it can, while the live file is rotated 200 times (then it
        // is stopped): a header appended after the truncation would often come behind one of its writes. Its 5
        // million lines (170 MB) are a bound in case the rotations fail; on a loaded box, where the rotating thread
        // falls behind, 400,000 were spent in 170 rotations (a CI run).
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        writer.arguments = ["python3", "-c", "import os\nfor n in range(5000000): os.write(1, b'%08d written by the bot\\n' % n)"]
        writer.standardOutput = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        try writer.run()
        // SIGKILL: Foundation's `Process` leaves the spawning thread's signal mask to the child, and a pool thread
        // blocks SIGTERM (the launcher under test resets it for the bots; this writer is the test's own).
        defer { kill(writer.processIdentifier, SIGKILL); writer.waitUntilExit() }
        // The rotations, on a thread of their own: a loop that looks at the size every 0.2 ms must not hold a
        // thread of the cooperative pool, which the other suites' servers and clients share.
        let firstLines = await withCheckedContinuation { (done: CheckedContinuation<[(live: String?, older: String?, marked: Bool)], Never>) in
            Thread.detachNewThread {
                var firstLines: [(live: String?, older: String?, marked: Bool)] = []
                while firstLines.count < 200 && writer.isRunning {
                    guard file.rotateIfNeeded() else {
                        usleep(200)
                        continue
                    }
                    firstLines.append((LaunchLogHeader.firstLine(of: scratch.file("logs/t.log")),
                                       LaunchLogHeader.firstLine(of: scratch.file("logs/t.log.1")),
                                       scratch.read("logs/t.log").contains("log rotated at \(cap) bytes; earlier output in t.log.1\n")))
                }
                done.resume(returning: firstLines)
            }
        }
        #expect(firstLines.count == 200)
        for (rotation, files) in firstLines.enumerated() {
            #expect(files.live == header, "live file, rotation \(rotation + 1)")
            #expect(files.older == header, "t.log.1, rotation \(rotation + 1)")
            #expect(files.marked, "the marker, rotation \(rotation + 1)")
        }
    }

    @Test func anAdoptedLogsHeaderIsTheLiveFilesElseItsNewestRotations() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let header = LaunchLogHeader.line(for: try request(["true"], in: scratch), at: Date())
        let path = scratch.file("t.log")
        #expect(LaunchLogHeader.foundLine(of: path) == nil)
        try "output\n".write(toFile: path, atomically: true, encoding: .utf8)
        try "\(header)\nolder output\n".write(toFile: "\(path).1", atomically: true, encoding: .utf8)
        #expect(LaunchLogHeader.foundLine(of: path) == header)
        try "\(header)\noutput\n".write(toFile: path, atomically: true, encoding: .utf8)
        try "not a header\n".write(toFile: "\(path).1", atomically: true, encoding: .utf8)
        #expect(LaunchLogHeader.foundLine(of: path) == header)
    }

    @Test func rotationWithoutKeptFilesTruncates() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = LogFile(policy: LogPolicy(path: scratch.file("logs/t.log"), maxBytes: 10, keptRotations: 0))
        let fd = try file.open(header: "# header")
        defer { close(fd) }
        #expect(file.rotateIfNeeded() == false)
        _ = "0123456789abcdef\n".withCString { write(fd, $0, 17) }
        #expect(file.rotateIfNeeded())
        #expect(scratch.read("logs/t.log").hasPrefix("# "))
        #expect(scratch.read("logs/t.log").contains("log rotated at 10 bytes\n"))
        #expect(!scratch.read("logs/t.log").contains("# header\n"), "a first line that is no launch header is not copied")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("logs/t.log.1")))
    }
}
