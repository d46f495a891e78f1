#if canImport(Glibc)
import Glibc
#endif
import FleetTypes
import Foundation
import Testing
@testable import Supervisor

@Suite(.serialized) struct AdoptionTests {
    /// The folder of the built executables: the test bundle's own folder.
    static var binDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["URBAN_ROBOT_BIN_DIR"] { return dir }
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe = String(decoding: buffer[0..<max(count, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (exe as NSString).deletingLastPathComponent
    }

    /// Launches `SupervisorTestDaemon` (with `options`) running a shell loop that logs `tick` to
    /// `<scratch>/logs/bot.log`; returns the daemon and its bot's record.
    static func launchTestDaemon(
        _ options: [String] = [], with launcher: LocalProcessLauncher, in scratch: Scratch
    ) async throws -> (daemon: LaunchedProcess, bot: LaunchRecord) {
        let daemonBinary = binDirectory + "/SupervisorTestDaemon"
        try #require(FileManager.default.isExecutableFile(atPath: daemonBinary))
        let daemon = try launcher.spawn(request(
            [daemonBinary] + options + [scratch.file("logs/bot.log"), scratch.path]
                + ["sh", "-c", "while :; do echo tick; sleep 0.05; done"],
            in: scratch, name: "daemon"))
        #expect(await eventually { scratch.read("logs/daemon.log").contains("\"startTicks\"") })
        let line = try #require(scratch.read("logs/daemon.log").split(separator: "\n").first { $0.hasPrefix("{") })
        return (daemon, try JSONDecoder().decode(LaunchRecord.self, from: Data(line.utf8)))
    }

    @Test func aBotOutlivesAKilledDaemonAndANewLauncherStopsIt() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let botLog = scratch.file("logs/bot.log")
        let first = LocalProcessLauncher()
        let (daemon, record) = try await Self.launchTestDaemon(with: first, in: scratch)
        #expect(record.clientID == "shard-0.1" && record.revision == "survivor")
        #expect(record.pid != daemon.pid && record.processGroup == record.pid)

        #expect(daemon.signal(SIGKILL))
        #expect(try await exitStatus(of: daemon) == .signaled(signal: SIGKILL, coreDumped: false))
        #expect(LocalProcessLauncher.isStillRunning(record))
        // It keeps writing its log with nobody reading: no broken pipe.
        let ticksAtKill = scratch.read("logs/bot.log").components(separatedBy: "tick").count
        #expect(await eventually { scratch.read("logs/bot.log").components(separatedBy: "tick").count > ticksAtKill + 10 })
        #expect(LocalProcessLauncher.isStillRunning(record))

        let second = LocalProcessLauncher()
        let adopted = try #require(try second.adopt(record, log: LogPolicy(path: botLog)))
        #expect(adopted.isChild == false)
        let outcome = await adopted.stop(timing: StopTiming(stopGrace: .seconds(20), killGrace: .seconds(20)))
        #expect(outcome == .exitedAfterTerminate(.unknown))
        let reported = try #require(await nextExit(second.exits))
        #expect(reported.record == record && reported.status == .unknown)
        #expect(!LocalProcessLauncher.isStillRunning(record))
        #expect(try second.adopt(record) == nil)
    }

    @Test func aRecordWithAnotherStartTimeOrBootIsNotOurs() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let launcher = LocalProcessLauncher()
        let process = try launcher.spawn(request(["sleep", "1000"], in: scratch))
        let record = process.record
        #expect(record.startTicks > 0)
        #expect(LocalProcessLauncher.isStillRunning(record))

        var recycled = record
        recycled.startTicks += 1
        #expect(!LocalProcessLauncher.isStillRunning(recycled))
        #expect(try launcher.adopt(recycled) == nil)
        var otherBoot = record
        otherBoot.bootID = "00000000-0000-0000-0000-000000000000"
        #expect(!LocalProcessLauncher.isStillRunning(otherBoot))
        // Our own pid, with a start time that is not ours: a pid reused by another process.
        var reused = record
        reused.pid = getpid()
        #expect(!LocalProcessLauncher.isStillRunning(reused))

        #expect(await process.stop(timing: StopTiming(killGrace: .seconds(20))) != .survivedKill)
        #expect(!LocalProcessLauncher.isStillRunning(record))
        #expect(try launcher.adopt(record) == nil)
    }
}
