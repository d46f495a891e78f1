import AdminAPI
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// A restarted daemon whose bots send `identify` only on their first connection (a minimal bot written without
/// the README's advice): no instance is taken down; each is replaced through the gate, one at a time, while the
/// old process keeps serving, and history shows every replacement.
@Suite("Integration: repair of silent actives", .serialized)
struct RepairIntegrationTests {
    /// A bot on python-socketio that identifies on its first connection only and records, with monotonic times,
    /// when it was told to process commands, to go into coma and to shut down.
    static let identifyOnceBot = #"""
        import asyncio, os, sys, time
        import socketio

        sio = socketio.AsyncClient(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=0.5)
        identified = False
        stopped = asyncio.Event()

        def log(line):
            print(f"{time.monotonic():.6f} {line}", flush=True)

        @sio.on("connect")
        async def connect():
            global identified
            log("connected")
            if not identified:
                identified = True
                await sio.call("identify", {"version": "once"})

        @sio.on("hello")
        async def hello(data):
            log(f"hello process_commands={data.get('process_commands')}")
            if not data.get("process_commands"):
                await sio.emit("ready", {})

        @sio.on("cmd")
        async def cmd(data):
            kind = data.get("t")
            log(f"cmd {kind}")
            if kind == "health_check":
                await sio.emit("health_check", {"OK": True, "percent": 100, "cogs": {}})
            elif kind == "coma":
                await sio.emit("coma", {})
            elif kind == "shutdown":
                await sio.emit("shutdown", {})
                stopped.set()

        async def main():
            auth = {"instance": os.environ["URBAN_ROBOT_INSTANCE"], "key": os.environ["URBAN_ROBOT_KEY"]}
            await sio.connect(os.environ["URBAN_ROBOT_URL"], auth=auth, retry=True, wait_timeout=30)
            await stopped.wait()
            await sio.disconnect()

        asyncio.run(main())
        """#

    @Test("a restart with bots that do not identify again replaces them one by one through the gate, never stopping one before its replacement passed")
    func silentBotsAreRepairedOneByOne() async throws {
        try await Scenario.run { scenario in
            try Self.identifyOnceBot.write(
                toFile: "\(scenario.repository.workingCopy)/once.py", atomically: true, encoding: .utf8)
            let v1 = try await scenario.repository.commit("identify once", simulate: nil)
            let adjust: (inout Configuration) -> Void = { configuration in
                configuration.bot.command = ["python3", "once.py"]
                // Generous enough for python-socketio to start on a loaded 2-core run (4 s failed the first deploy
                // there), short enough that the adopted actives are found silent soon after the restart.
                configuration.health.identifyTimeout = .seconds(15)
                configuration.rollout.reconnectGrace = .seconds(2)
            }
            let (before, oldPids, port) = try await scenario.withDaemon(instances: 3, adjust: adjust) { first async throws -> (StatusSnapshot, [Int32], Int) in
                #expect(try await first.deploy(v1).outcome == .succeeded)
                return (await first.daemon.status(), await first.pids(), await first.daemon.channelPort)
            }

            try await scenario.withDaemon(instances: 3, port: port, adjust: adjust) { second in
                let unconfirmed = try await second.poll("the adopted actives to reconnect unconfirmed", timeout: .seconds(60)) {
                    let states = await second.daemon.status().instances.compactMap { $0.active?.state }
                    return states == ["unconfirmed", "unconfirmed", "unconfirmed"] ? states : nil
                }
                #expect(unconfirmed.count == 3)
                // Their pids come from the launch records (the engine's clients table keeps none).
                let adoptedPids = await second.daemon.status().instances.compactMap { $0.active?.pid }
                #expect(adoptedPids.count == 3 && Set(adoptedPids).isSubset(of: Set(oldPids)), "\(adoptedPids) \(oldPids)")
                let repaired = try await second.poll("every instance to be replaced", timeout: .seconds(120)) {
                    let status = await second.daemon.status()
                    let replaced = status.instances.allSatisfy { instance in
                        instance.active.map { $0.state == "serving" && $0.client != before.instances[instance.instance].active?.client }
                            ?? false
                    }
                    return replaced && status.instances.allSatisfy({ $0.candidate == nil }) ? status : nil
                }
                #expect(repaired.revision?.rawValue == v1)
                let history = try await second.daemon.history(limit: 20)
                let repairs = history.filter { $0.trigger == .repair }
                #expect(repairs.count == 3)
                #expect(repairs.allSatisfy { $0.outcome == .succeeded && $0.reason?.contains("sent no identify within 15 s") == true },
                        "\(repairs)")
                // One at a time: each repair ended before the next began.
                let ordered = repairs.sorted { $0.id < $1.id }
                for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                    #expect(try #require(earlier.finishedAt) <= later.startedAt)
                }
                // The old processes are stopped after their replacements took over: once they are gone, their logs are
                // complete.
                _ = try await second.poll("the old processes to exit", timeout: .seconds(60)) {
                    oldPids.allSatisfy { !FileManager.default.fileExists(atPath: "/proc/\($0)") } ? true : nil
                }
                // Each old process was told to process commands until its replacement passed: it got `coma` (the handover)
                // before `shutdown`, never `shutdown` alone.
                // And the replacement was told to process commands after the old one's coma, within a handover's gap.
                for instance in before.instances {
                    let old = try #require(instance.active).client.rawValue
                    let commands = try Self.commands(in: second.log(instance: instance.instance, client: old))
                    let coma = try #require(commands.first { $0.command == "cmd coma" }, "\(old): \(commands)")
                    let shutdown = try #require(commands.first { $0.command == "cmd shutdown" }, "\(old): \(commands)")
                    #expect(coma.at < shutdown.at, "\(old): \(commands)")
                    let new = try #require(repaired.instances[instance.instance].active).client.rawValue
                    let newCommands = try Self.commands(in: second.log(instance: instance.instance, client: new))
                    let takeover = try #require(newCommands.first { $0.command == "cmd process_commands" }, "\(new): \(newCommands)")
                    #expect(takeover.at > coma.at && takeover.at - coma.at < 2, "\(old) \(commands), then \(new) \(newCommands)")
                }
            }
        }
    }

    /// The `cmd` lines of a log of ``identifyOnceBot``, with their monotonic times in seconds.
    private static func commands(in log: String) -> [(at: Double, command: String)] {
        log.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, let at = Double(fields[0]), fields[1].hasPrefix("cmd ") else { return nil }
            return (at, String(fields[1]))
        }
    }
}
