#if canImport(Glibc)
import Glibc
#endif
import FleetTypes
import Foundation
import Testing
@testable import Supervisor

/// `LaunchRequest.diesWithDaemon`: the child gets SIGTERM when the launching process dies, and only then.
@Suite(.serialized) struct ParentDeathTests {
    @Test func aBotLaunchedToDieWithItsDaemonDiesWhenTheDaemonIsKilled() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launcher = LocalProcessLauncher()
        let (daemon, record) = try await AdoptionTests.launchTestDaemon(["--dies-with-daemon"], with: launcher, in: scratch)
        #expect(record.processGroup == record.pid && record.pid != daemon.pid)
        // It runs while the daemon lives, after the daemon's launching task is long gone.
        #expect(await eventually { scratch.read("logs/bot.log").components(separatedBy: "tick").count > 5 })
        #expect(LocalProcessLauncher.isStillRunning(record))

        #expect(daemon.signal(SIGKILL))
        #expect(try await exitStatus(of: daemon) == .signaled(signal: SIGKILL, coreDumped: false))
        #expect(await eventually { !LocalProcessLauncher.isStillRunning(record) })
    }

    @Test func aChildLaunchedFromAThreadThatEndsKeepsRunning() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launcher = LocalProcessLauncher()
        let request = try request(["sleep", "1000"], in: scratch)
        let (launched, continuation) = AsyncStream.makeStream(of: Result<LaunchedProcess, SupervisorError>.self)
        let thread = Thread {
            continuation.yield(Result { () throws(SupervisorError) in
                var dying = request
                dying.diesWithDaemon = true
                return try launcher.spawn(dying)
            })
            continuation.finish()
        }
        thread.start()
        let process = try #require(await launched.first { _ in true }).get()
        #expect(await eventually { thread.isFinished })
        // The thread that asked is gone; the parent-death signal belongs to the spawner's thread.
        #expect(await process.waitForExit(within: .seconds(2)) == nil)
        #expect(isRunning(process.pid))
        let outcome = await process.stop(timing: StopTiming(killGrace: .seconds(20)))
        #expect(outcome == .exitedAfterTerminate(.signaled(signal: SIGTERM, coreDumped: false)))
    }

    @Test func aFailedExecIsReportedWithItsError() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var dying = try request(["sleep", "1000"], in: scratch)
        dying.workingDirectory = scratch.file("missing")
        dying.diesWithDaemon = true
        #expect(throws: SupervisorError.self) { try LocalProcessLauncher().spawn(dying) }
        let script = try scratch.script("run.sh", "#!/bin/sh\necho ran \"$@\" from $(pwd)\n")
        var running = try request([script, "a b"], in: scratch)
        running.diesWithDaemon = true
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(running)
        #expect(try await exitStatus(of: process) == .exited(code: 0))
        let log = scratch.read("logs/shard-0.1.log")
        #expect(log.contains("ran a b from \(scratch.path)"))
    }
}
