import FleetTypes
import Foundation
import Testing
@testable import Supervisor

/// The redacting relay between a process and its log: real child processes printing the secrets.
@Suite(.serialized) struct RedactionTests {
    static let token = "MTA5ODc2NTQzMjEw.GxYz12.redaction-test-token-\(UUID().uuidString)"
    static let key = "key-\(UUID().uuidString)"

    @Test func secretsNeverReachTheLogWholeOrInPieces() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.script("leaky.py", """
            #!/usr/bin/env python3
            import os, sys, time
            token, key = os.environ["LEAK_TOKEN"], os.environ["LEAK_KEY"]
            def out(text):
                sys.stdout.write(text)
                sys.stdout.flush()
                time.sleep(0.05)
            out("cmd payload {'token': '%s'}\\n" % token)
            out("split token: " + token[:7])
            out(token[7:20])
            out(token[20:] + " end\\n")
            sys.stderr.write("key on stderr: " + key[:3]); sys.stderr.flush(); time.sleep(0.05)
            sys.stderr.write(key[3:] + key + "\\n"); sys.stderr.flush()
            out("ready\\n")
            while not os.path.exists("done"):
                time.sleep(0.05)
            out("almost a token: " + token[:12] + "\\n")
            out("END " + token[:9])
            """)
        var environment = try plainEnvironment()
        environment["LEAK_TOKEN"] = Self.token
        environment["LEAK_KEY"] = Self.key
        let log = LogPolicy(path: scratch.file("logs/shard-0.1.log"), redacting: [Self.key, "", Self.token])
        let process = try LocalProcessLauncher().spawn(request(["python3", "./leaky.py"], in: scratch, environment: environment, log: log))
        // Output that cannot be the start of a secret is written at once, while the process runs.
        #expect(await eventually { scratch.read("logs/shard-0.1.log").contains("ready\n") })
        let running = scratch.read("logs/shard-0.1.log")
        #expect(running.contains("cmd payload {'token': '<redacted>'}\n"))
        #expect(running.contains("split token: <redacted> end\n"))
        #expect(running.contains("key on stderr: <redacted><redacted>\n"))
        _ = FileManager.default.createFile(atPath: scratch.file("done"), contents: nil)
        #expect(try await exitStatus(of: process) == .exited(code: 0))
        // A held-back end that never became a secret is written at EOF.
        let endMark = "END " + Self.token.prefix(9)
        #expect(await eventually { scratch.read("logs/shard-0.1.log").hasSuffix(endMark) })
        let text = scratch.read("logs/shard-0.1.log")
        #expect(text.contains("almost a token: \(Self.token.prefix(12))\n"))
        #expect(!text.contains(Self.token) && !text.contains(Self.key))
        #expect(!text.contains(Self.token.suffix(30)) && !text.contains(Self.key.suffix(20)))
    }

    @Test func theRelayOutlivesAStopAndWritesTheLastWords() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.script("polite.py", """
            #!/usr/bin/env python3
            import os, signal, time
            # The handler only notes the stop: printing from it fails ("reentrant call") when SIGTERM comes while
            # the print of "ready" is still returning, which the test's stop right after "ready" can make it do.
            stopping = False
            def bye(_signal, _frame):
                global stopping
                stopping = True
            signal.signal(signal.SIGTERM, bye)
            print("ready", flush=True)
            while not stopping:
                time.sleep(0.05)
            time.sleep(0.2)
            print("stopping, token " + os.environ["LEAK_TOKEN"], flush=True)
            """)
        var environment = try plainEnvironment()
        environment["LEAK_TOKEN"] = Self.token
        let log = LogPolicy(path: scratch.file("logs/shard-0.2.log"), redacting: [Self.token])
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["python3", "./polite.py"], in: scratch, environment: environment, log: log))
        #expect(await eventually { scratch.read("logs/shard-0.2.log").contains("ready\n") })
        _ = await process.stop(timing: StopTiming(stopGrace: .seconds(10), killGrace: .seconds(5)))
        #expect(await eventually { scratch.read("logs/shard-0.2.log").contains("stopping, token <redacted>\n") })
        #expect(!scratch.read("logs/shard-0.2.log").contains(Self.token))
    }
}
