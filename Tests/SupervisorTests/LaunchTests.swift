#if canImport(Glibc)
import Glibc
#endif
import FleetTypes
import Foundation
import Testing
@testable import Supervisor

@Suite(.serialized) struct LaunchTests {
    @Test func theChildSeesExactlyTheBuiltEnvironmentAndNoToken() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var daemon = ProcessInfo.processInfo.environment
        daemon["DISCORD_TOKEN"] = "tok-SECRET-123"
        daemon["DAEMON_ADMIN_TOKEN"] = "admin-456"
        daemon["PYTHONPATH"] = "/daemon/lib"
        let environment = try LaunchEnvironment(
            inherited: daemon, forbiddenNames: ["DISCORD_TOKEN"], secrets: ["tok-SECRET-123", "admin-456"]
        ).make(
            configured: ["LOG_LEVEL": "debug"],
            identity: ClientIdentity(
                url: "http://127.0.0.1:8080", clientID: "shard-0.1", key: "launch-key", shard: 0, shardCount: 2,
                revision: "0123456789abcdef0123456789abcdef01234567"))
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["env"], in: scratch, environment: environment))
        #expect(try await exitStatus(of: process) == .exited(code: 0))

        let lines = scratch.read("logs/shard-0.1.log").split(separator: "\n").map(String.init)
        let header = try #require(lines.first)
        var childEnvironment: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            childEnvironment[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        #expect(childEnvironment == environment)
        #expect(childEnvironment["URBAN_ROBOT_KEY"] == "launch-key")
        #expect(childEnvironment["LOG_LEVEL"] == "debug")
        #expect(childEnvironment["PYTHONPATH"] == nil)
        let everything = scratch.read("logs/shard-0.1.log")
        #expect(!everything.contains("tok-SECRET-123") && !everything.contains("admin-456"))
        #expect(header.hasPrefix("# ") && header.contains("launch shard-0.1"))
        #expect(header.contains("revision 0123456789abcdef0123456789abcdef01234567") && header.contains("argv [\"env\"]"))
        #expect(!header.contains("launch-key"))
    }

    @Test func runsInTheReleaseFolderInItsOwnSessionWithStdoutAndStderrCombined() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.script("bot.sh", """
            #!/bin/sh
            echo "cwd=$(pwd)"
            echo "to stderr" >&2
            echo "ids=$$ $(ps -o pgid= -p $$ | tr -d ' ') $(ps -o sid= -p $$ | tr -d ' ')"
            """)
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["./bot.sh"], in: scratch))
        #expect(process.record.processGroup == process.pid)
        #expect(try await exitStatus(of: process) == .exited(code: 0))
        let log = scratch.read("logs/shard-0.1.log")
        #expect(log.contains("cwd=\(scratch.path)\n"))
        #expect(log.contains("to stderr\n"))
        #expect(log.contains("ids=\(process.pid) \(process.pid) \(process.pid)\n"))
    }

    @Test func theChildStartsWithDefaultSignalsAnEmptyMaskAndOnlyStandardDescriptors() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Daemons commonly ignore SIGPIPE; the child must not inherit that.
        signal(SIGPIPE, SIG_IGN)
        let launcher = LocalProcessLauncher()
        let grep = try launcher.spawn(request(["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"], in: scratch))
        #expect(try await exitStatus(of: grep) == .exited(code: 0))
        let log = scratch.read("logs/shard-0.1.log")
        #expect(log.contains("SigBlk:\t0000000000000000\n"))
        // Signals 1-31 at their defaults. (32 and 33 are glibc's internal
        // threading signals, outside what posix_spawn or a bot may change.)
        let ignored = try #require(log.split(separator: "\n").first { $0.hasPrefix("SigIgn:") })
        let ignoredMask = try #require(UInt64(ignored.dropFirst("SigIgn:\t".count), radix: 16))
        #expect(ignoredMask & 0x7fff_ffff == 0)

        // ls sees 0, 1, 2 and the descriptor of the folder it lists itself.
        let ls = try launcher.spawn(request(["ls", "/proc/self/fd"], in: scratch, name: "ls"))
        #expect(try await exitStatus(of: ls) == .exited(code: 0))
        #expect(scratch.read("logs/ls.log").split(separator: "\n").dropFirst() == ["0", "1", "2", "3"])
    }

    @Test func reportsExitCodesAndSignalsOnTheHandleAndTheStream() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launcher = LocalProcessLauncher()
        let exited = try launcher.spawn(request(["sh", "-c", "exit 3"], in: scratch, name: "a"))
        #expect(try await exitStatus(of: exited) == .exited(code: 3))
        let signaled = try launcher.spawn(request(["sh", "-c", "kill -USR1 $$"], in: scratch, name: "b"))
        #expect(try await exitStatus(of: signaled) == .signaled(signal: SIGUSR1, coreDumped: false))

        var reported: [String: TerminationStatus] = [:]
        for _ in 0..<2 {
            let exit = try #require(await nextExit(launcher.exits))
            reported[exit.record.clientID] = exit.status
        }
        #expect(reported == ["a": .exited(code: 3), "b": .signaled(signal: SIGUSR1, coreDumped: false)])
    }

    @Test func aBotThatClosesItsOutputStillReportsItsExit() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(
            request(["sh", "-c", "echo before; exec >&- 2>&-; sleep 0.3; exit 7"], in: scratch))
        #expect(try await exitStatus(of: process) == .exited(code: 7))
        #expect(scratch.read("logs/shard-0.1.log").hasSuffix("before\n"))
    }

    @Test func anUnknownExecutableIsAClearError() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launcher = LocalProcessLauncher()
        let error = try #require(throws: SupervisorError.self) {
            try launcher.spawn(request(["no-such-bot-binary"], in: scratch))
        }
        #expect(error.code == .invalidCommand)
        #expect(error.message.contains("no-such-bot-binary"))
        #expect(throws: SupervisorError.self) { try launcher.spawn(request([], in: scratch)) }
    }

    @Test func leavesNoZombiesAfter200QuickLaunches() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launcher = LocalProcessLauncher()
        var processes: [LaunchedProcess] = []
        for index in 0..<200 {
            processes.append(try launcher.spawn(request(["true"], in: scratch, name: "quick-\(index)")))
        }
        for process in processes {
            #expect(try await exitStatus(of: process) == .exited(code: 0))
        }
        let me = getpid()
        let zombies = processes.filter { process in
            guard let stat = ProcessStat.read(pid: process.pid) else { return false }
            return stat.parentPID == me && stat.state == "Z"
        }
        #expect(zombies.isEmpty)
    }

    @Test func parsesStatLinesWithAwkwardCommandNames() throws {
        var fields = ["S", "1", "4242", "4242", "0", "-1", "4194560"] + Array(repeating: "0", count: 12)
        fields.append("987654")
        let stat = try #require(ProcessStat.parse("4242 (my (odd) bot) " + fields.joined(separator: " ") + " 0 0"))
        #expect(stat == ProcessStat(state: "S", parentPID: 1, processGroup: 4242, startTicks: 987654))
        #expect(ProcessStat.parse("garbage") == nil)
    }
}
