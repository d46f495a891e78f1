#if canImport(Glibc)
import Glibc
#endif
import FleetTypes
import Foundation
@testable import Supervisor
import Testing

/// `OpenFilesLimit.raiseToHard`: a daemon takes its hard open-files limit, and the bots it launches afterwards (by
/// the lean spawn, and by the fork of a bot that dies with the daemon) run under the soft limit it found, as they
/// would have without it. Each case runs `SupervisorTestDaemon` started under a low soft limit: the limit is the
/// whole process's, which the other tests of this run share.
@Suite struct OpenFilesLimitTests {
    /// The soft limit the test daemon starts under.
    static let startingSoftLimit = 200

    /// The `Max open files` soft and hard values of process `pid`.
    static func openFilesLimit(of pid: Int32) -> OpenFilesLimit? {
        let limits = (try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)) ?? ""
        guard let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max open files") }) else { return nil }
        let values = line.split(separator: " ").compactMap { UInt64($0) }
        return values.count == 2 ? OpenFilesLimit(soft: values[0], hard: values[1]) : nil
    }

    @Test(arguments: [false, true])
    func theDaemonTakesTheHardLimitAndItsBotGetsTheSoftLimitItFound(diesWithDaemon: Bool) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let hard = try #require(Self.openFilesLimit(of: getpid())).hard
        let launcher = LocalProcessLauncher()
        let daemonBinary = AdoptionTests.binDirectory + "/SupervisorTestDaemon"
        try #require(FileManager.default.isExecutableFile(atPath: daemonBinary))
        let daemon = try launcher.spawn(request(
            ["sh", "-c", "ulimit -Sn \(Self.startingSoftLimit) && exec \"$0\" \"$@\"", daemonBinary, "--raise-open-files"]
                + (diesWithDaemon ? ["--dies-with-daemon"] : [])
                + [scratch.file("logs/bot.log"), scratch.path, "sh", "-c", "ulimit -Sn; ulimit -Hn; exec sleep 1000"],
            in: scratch, name: "daemon"))
        defer { _ = daemon.signal(SIGKILL) }
        #expect(await eventually { scratch.read("logs/daemon.log").contains("\"startTicks\"") })
        let line = try #require(scratch.read("logs/daemon.log").split(separator: "\n").first { $0.hasPrefix("{") })
        let bot = try JSONDecoder().decode(LaunchRecord.self, from: Data(line.utf8))
        defer { kill(-bot.processGroup, SIGKILL) }

        #expect(Self.openFilesLimit(of: daemon.pid) == OpenFilesLimit(soft: hard, hard: hard))
        #expect(await eventually { scratch.read("logs/bot.log").contains("\n\(hard)\n") })
        let printed = scratch.read("logs/bot.log").split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(printed.prefix(2) == ["\(Self.startingSoftLimit)", "\(hard)"])
        #expect(Self.openFilesLimit(of: bot.pid) == OpenFilesLimit(soft: UInt64(Self.startingSoftLimit), hard: hard))
    }

    @Test func runningOutOfDescriptorsNamesTheLimitAndWhereToRaiseIt() throws {
        let limit = try #require(OpenFilesLimit.current())
        let text = SystemCallError("csup_start_relay", errno: EMFILE).description
        #expect(text.hasPrefix("csup_start_relay: Too many open files (errno \(EMFILE)); the daemon's open-files limit is "))
        #expect(text.contains(" (hard \(limit.hard)): raise it (systemd: LimitNOFILE=, a shell: ulimit -n)"))
        #expect(SystemCallError("open", errno: ENOENT).description == "open: No such file or directory (errno \(ENOENT))")
    }

    @Test func theLimitReadsAsSoftAndHard() {
        #expect(OpenFilesLimit(soft: 1024, hard: 524_288).description == "1024 (hard 524288)")
    }
}
