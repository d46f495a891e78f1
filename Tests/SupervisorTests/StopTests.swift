#if canImport(Glibc)
import Glibc
#endif
import FleetTypes
import Foundation
import Testing
@testable import Supervisor

@Suite(.serialized) struct StopTests {
    let timing = StopTiming(stopGrace: .seconds(20), killGrace: .seconds(20))

    @Test func aBotThatExitsWhenAskedEndsAfterThePoliteStep() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.script("bot.sh", """
            #!/bin/sh
            echo serving
            while [ ! -e stop-requested ]; do sleep 0.05; done
            echo bye
            exit 0
            """)
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["./bot.sh"], in: scratch))
        #expect(await eventually { scratch.read("logs/shard-0.1.log").contains("serving") })
        let stopFile = scratch.file("stop-requested")
        let outcome = await process.stop(timing: timing) {
            _ = FileManager.default.createFile(atPath: stopFile, contents: nil)
        }
        #expect(outcome == .exitedWhenAsked(.exited(code: 0)))
        #expect(scratch.read("logs/shard-0.1.log").hasSuffix("bye\n"))
    }

    @Test func aBotThatIgnoresThePoliteStepEndsOnSIGTERM() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["sleep", "1000"], in: scratch))
        let outcome = await process.stop(timing: StopTiming(stopGrace: .milliseconds(300), killGrace: .seconds(20))) {}
        #expect(outcome == .exitedAfterTerminate(.signaled(signal: SIGTERM, coreDumped: false)))
        #expect(process.exit?.status == .signaled(signal: SIGTERM, coreDumped: false))
    }

    @Test func aBotThatIgnoresSIGTERMIsKilled() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.script("stubborn.sh", """
            #!/bin/sh
            trap '' TERM
            echo trapped
            while :; do sleep 0.1; done
            """)
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["./stubborn.sh"], in: scratch))
        #expect(await eventually { scratch.read("logs/shard-0.1.log").contains("trapped") })
        let outcome = await process.stop(timing: StopTiming(stopGrace: .seconds(20), killGrace: .seconds(1)))
        #expect(outcome == .killed(.signaled(signal: SIGKILL, coreDumped: false)))
    }

    @Test func aGrandchildThatIgnoresSIGTERMDiesWithItsGroup() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.script("parent.sh", """
            #!/bin/sh
            (trap '' TERM; exec sleep 1000) &
            echo $! > grandchild.pid
            wait
            """)
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["./parent.sh"], in: scratch))
        #expect(await eventually { Int32(scratch.read("grandchild.pid").trimmingSuffix { $0 == "\n" }) != nil })
        let grandchild = try #require(Int32(scratch.read("grandchild.pid").trimmingSuffix { $0 == "\n" }))
        #expect(isRunning(grandchild))
        #expect(ProcessStat.read(pid: grandchild)?.processGroup == process.pid)

        let outcome = await process.stop(timing: timing)
        #expect(outcome == .exitedAfterTerminate(.signaled(signal: SIGTERM, coreDumped: false)))
        #expect(await eventually { !isRunning(grandchild) })
    }

    @Test func stoppingAnExitedProcessSaysSo() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["sh", "-c", "exit 4"], in: scratch))
        _ = try await exitStatus(of: process)
        #expect(await process.stop(timing: timing) == .alreadyExited(.exited(code: 4)))
        #expect(process.signal(SIGTERM) == false)
    }

    @Test func waitingForAnExitCanBeCancelled() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["sleep", "1000"], in: scratch))
        let waiter = Task { try await process.waitForExit() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(process.signal(SIGKILL))
        #expect(try await exitStatus(of: process) == .signaled(signal: SIGKILL, coreDumped: false))
    }

    @Test func aDamagedRecordNeverSignalsUsOrEveryone() {
        for group in [0, 1, getpgrp()] {
            let record = LaunchRecord(
                pid: 0, processGroup: group, startTicks: 0, bootID: "", clientID: "x", revision: "", logPath: "",
                launchedAt: 0)
            #expect(LaunchedProcess(record: record, pidfd: -1, isChild: false).signalGroup(0) == false)
        }
    }
}
