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
        let process = try launcher.launch(request(["./bot.sh"], in: scratch, environment: environment))
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
        let process = try launcher.launch(request(["python3", "./chatty.py"], in: scratch, log: log))
        #expect(try await exitStatus(of: process) == .exited(code: 0))

        let live = scratch.read("logs/chatty.log")
        let newest = scratch.read("logs/chatty.log.1")
        let older = scratch.read("logs/chatty.log.2")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("logs/chatty.log.3")))
        #expect(live.hasSuffix("END\n"))
        #expect(!newest.isEmpty && !older.isEmpty)
        // A check every second lets a file pass the cap by about 400 kB at this rate; 1 MB leaves room for a slow box.
        for text in [live, newest, older] { #expect(text.utf8.count < cap + (1 << 20)) }
        #expect(live.contains("log rotated at \(cap) bytes; earlier output in chatty.log.1"))
        // Order is kept: the older file's numbers precede the newer one's.
        func numbers(_ text: String) -> [Int] {
            text.split(separator: "\n").compactMap { Int($0.prefix(8)) }
        }
        #expect(try #require(numbers(older).last) < #require(numbers(newest).first))
        // The live file may hold only the end marker when a check rotated just before it.
        if let firstLive = numbers(live).first {
            #expect(try #require(numbers(newest).last) < firstLive)
        }
    }

    @Test func aFastWriterIsNeverBlocked() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let log = LogPolicy(path: scratch.file("logs/fast.log"), maxBytes: 4 << 20, keptRotations: 0)
        let launcher = LocalProcessLauncher()
        let process = try launcher.launch(request(["head", "-c", "67108864", "/dev/zero"], in: scratch, log: log))
        #expect(try await exitStatus(of: process) == .exited(code: 0))
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
        #expect(!FileManager.default.fileExists(atPath: scratch.file("logs/t.log.1")))
    }
}
