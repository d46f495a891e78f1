import AdminAPI
import Deployer
@testable import FleetDaemon
@testable import FleetOperator
import FleetTypes
import Foundation
import TestSupport
import Testing

/// `heartbeat` events from real python-socketio clients, as the daemon's `status` shows them.
@Suite("Integration: heartbeats in status", .serialized)
struct HeartbeatIntegrationTests {
    @Test("the example bots send a heartbeat after hello: status shows guilds and latency, in JSON and in the table")
    func exampleBotHeartbeats() async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 2) { harness in
                let v1 = scenario.v1
                let started = Date()
                #expect(try await harness.deploy(v1).outcome == .succeeded)

                // The first heartbeat follows hello at once (the next ones come every 30 s): it is there when the deployment
                // ends; 20 s leaves room for a slow machine and still fails a client that waits for its first interval.
                let status = try await harness.poll("every active to have sent a heartbeat", timeout: .seconds(20)) {
                    let status = await harness.daemon.status()
                    return status.instances.allSatisfy { $0.active?.heartbeat != nil } ? status : nil
                }
                for instance in status.instances {
                    let heartbeat = try #require(instance.active?.heartbeat)
                    #expect(heartbeat.stats == ["guilds": .number(1500), "latency": .number(0.042), "simulated": .bool(true)])
                    #expect(heartbeat.at >= started.addingTimeInterval(-1) && heartbeat.at <= Date())
                }
                let json = try #require(
                    try JSONSerialization.jsonObject(with: StatusSnapshot.encoder.encode(status)) as? [String: Any])
                for instance in try #require(json["instances"] as? [[String: Any]]) {
                    let active = try #require(instance["active"] as? [String: Any])
                    let heartbeat = try #require(active["heartbeat"] as? [String: Any], "\(active)")
                    #expect(heartbeat["at"] is String)
                    #expect((heartbeat["stats"] as? [String: Any])?["guilds"] as? Int == 1500)
                }
                let table = StatusTable.render(status, now: Date())
                #expect(table.contains("1500g 42ms"), "\(table)")
            }
        }
    }

    /// A client without credentials (admitted as unmanaged) that identifies for instance 0, then sends each line of
    /// its standard input as a `heartbeat` (waiting for the ACK), and disconnects at end of input.
    static let probe = #"""
        import asyncio, json, sys
        import socketio

        async def main(url):
            client = socketio.AsyncClient(reconnection=False)
            await client.connect(url, wait_timeout=10)
            await client.call("identify", {"version": "probe", "instance": 0}, timeout=10)
            loop = asyncio.get_running_loop()
            while True:
                line = await loop.run_in_executor(None, sys.stdin.readline)
                if not line:
                    break
                await client.call("heartbeat", json.loads(line), timeout=10)
            await client.disconnect()

        asyncio.run(main(sys.argv[1]))
        """#

    @Test("a raw client's heartbeat: stats kept as sent (escape sequences only in JSON), an oversized one truncated, dropped when the socket closes")
    func rawClientHeartbeats() async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 1, allowUnmanaged: true) { harness in
                let probe = Process()
                let input = Pipe()
                defer { if probe.isRunning { kill(probe.processIdentifier, SIGKILL) } }
                let script = "\(scenario.folder)/probe.py"
                try Self.probe.write(toFile: script, atomically: true, encoding: .utf8)
                probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                probe.arguments = ["python3", script, "http://127.0.0.1:\(await harness.daemon.channelPort)"]
                probe.standardInput = input
                probe.standardOutput = FileHandle.nullDevice
                try probe.run()

                func candidate() async -> StatusSnapshot.Client? { await harness.daemon.status().instances[0].candidate }
                let client = try await harness.poll("the probe to be admitted", timeout: .seconds(30)) { await candidate() }
                #expect(client.client.rawValue.hasPrefix("unmanaged-0.") && client.heartbeat == nil)

                input.fileHandleForWriting.write(Data(#"{"guilds": "\u001b[2J", "latency": 0.02, "motd": "\u001b]0;x\u0007"}"#.utf8 + [10]))
                let first = try await harness.poll("the first heartbeat", timeout: .seconds(30)) { await candidate()?.heartbeat }
                #expect(first.stats == ["guilds": .string("\u{1B}[2J"), "latency": .number(0.02), "motd": .string("\u{1B}]0;x\u{07}")])
                let status = await harness.daemon.status()
                let data = try StatusSnapshot.encoder.encode(status)
                #expect(!data.contains(0x1B) && !data.contains(0x07), "JSON escapes the control characters")
                let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                let instances = try #require(object["instances"] as? [[String: Any]])
                let candidateJSON = try #require(instances.first?["candidate"] as? [String: Any])
                let stats = (candidateJSON["heartbeat"] as? [String: Any])?["stats"] as? [String: Any]
                #expect(stats?["motd"] as? String == "\u{1B}]0;x\u{07}", "the stats exactly as the bot sent them")
                let table = StatusTable.render(status, now: Date())
                #expect(!table.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(table.debugDescription)")

                let blob = String(repeating: "x", count: 10_000)
                input.fileHandleForWriting.write(Data(#"{"guilds": 5, "blob": "\#(blob)"}"#.utf8 + [10]))
                let truncated = try await harness.poll("the oversized heartbeat", timeout: .seconds(30)) {
                    await candidate()?.heartbeat.flatMap { $0.stats["truncated"] != nil ? $0 : nil }
                }
                #expect(Set(truncated.stats.keys) == ["guilds", "truncated"] && truncated.stats["guilds"] == .number(5))

                try input.fileHandleForWriting.close()
                _ = try await harness.poll("the probe's heartbeat to be dropped with its socket", timeout: .seconds(30)) {
                    harness.daemon.channel.heartbeat(of: client.client) == nil && harness.daemon.channelSessionCount == 0 ? true : nil
                }
                #expect(await candidate()?.heartbeat == nil)
                _ = try await harness.poll("the probe to exit", timeout: .seconds(30)) { probe.isRunning ? nil : true }
                #expect(probe.terminationStatus == 0)
            }
        }
    }

    /// An unmanaged client that echoes the token (argv) back in a heartbeat, then waits to be killed.
    static let echoingProbe = #"""
        import asyncio, sys
        import socketio

        async def main(url, token):
            client = socketio.AsyncClient(reconnection=False)
            await client.connect(url, wait_timeout=10)
            await client.call("identify", {"version": "probe", "instance": 0}, timeout=10)
            await client.call("heartbeat", {"guilds": 2, "leak": "token " + token, token: "as a key"}, timeout=10)
            print("sent", flush=True)
            await asyncio.sleep(120)

        asyncio.run(main(sys.argv[1], sys.argv[2]))
        """#

    @Test("a heartbeat that echoes the Discord token is kept and shown with the token redacted")
    func echoedTokenIsRedacted() async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 1, allowUnmanaged: true) { harness in
                let script = "\(scenario.folder)/echo.py"
                try Self.echoingProbe.write(toFile: script, atomically: true, encoding: .utf8)
                let port = await harness.daemon.channelPort
                try await BackgroundProcess.run(["python3", script, "http://127.0.0.1:\(port)", DaemonHarness.token]) { probe in
                    #expect(await probe.firstLine(within: .seconds(30)) == "sent")
                    let heartbeat = try await harness.poll("the heartbeat", timeout: .seconds(30)) {
                        await harness.daemon.status().instances[0].candidate?.heartbeat
                    }
                    #expect(heartbeat.stats == ["guilds": .number(2), "leak": .string("token <redacted>"), "<redacted>": .string("as a key")])
                    let json = String(decoding: try StatusSnapshot.encoder.encode(await harness.daemon.status()), as: UTF8.self)
                    #expect(!json.contains(DaemonHarness.token) && json.contains("<redacted>"))
                }
            }
        }
    }
}
