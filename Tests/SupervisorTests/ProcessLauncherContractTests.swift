#if canImport(Glibc)
import Glibc
#endif
import FleetTypes
import Foundation
import TestSupport
import Testing
@testable import Supervisor

/// The contract the daemon relies on, exercised only through `any ProcessLauncher` and `any LaunchedClient`, as
/// the daemon holds them: launch, usage, the polite stop, the exit reported once with the launch record, adoption.
@Suite struct ProcessLauncherContractTests {
    let launcher: any ProcessLauncher = LocalProcessLauncher()

    @Test func aClientLaunchedThroughTheProtocolReportsUsageStopsPolitelyAndReportsItsExitOnce() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let client = try await launcher.launch(request(
            ["python3", "-c", "import signal, sys, time\nsignal.signal(signal.SIGUSR1, lambda *_: sys.exit(7))\nprint('handler ' + 'installed', flush=True)\n"
                + "while True: time.sleep(1)"],
            in: scratch))
        #expect(await eventually { scratch.read("logs/shard-0.1.log").contains("handler installed") })
        #expect(client.record.clientID == "shard-0.1")
        let usage = try #require(await client.usage(), "a running client has a usage")
        #expect(usage.rssBytes > 1_000_000 && usage.cpuSeconds >= 0)

        let pid = client.record.pid
        let outcome = await client.stop(timing: StopTiming(stopGrace: .seconds(20), killGrace: .seconds(20))) {
            kill(pid, SIGUSR1)  // the polite step, as the channel's `shutdown` would be
        }
        #expect(outcome == .exitedWhenAsked(.exited(code: 7)))
        let exit = try #require(await nextExit(launcher.exits))
        #expect(exit.record == client.record && exit.status == .exited(code: 7))
        #expect(await client.usage() == nil, "a client that exited has no usage")
        #expect(await launcher.exits.next(within: .milliseconds(300)) == nil, "one exit is reported once")
    }

    @Test func aRecordWhoseClientIsGoneIsNotAdopted() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let client = try await launcher.launch(request(["true"], in: scratch))
        #expect(try #require(await nextExit(launcher.exits)).status == .exited(code: 0))
        #expect(try await launcher.adopt(client.record, log: nil) == nil)
    }
}
