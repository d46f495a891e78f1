import AdminAPI
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import Synchronization
import TestSupport
import Testing

/// The channel's authentication with real python-socketio clients against a real daemon.
@Suite("Integration: channel authentication", .serialized)
struct ChannelAuthenticationIntegrationTests {
    /// A client that tries wrong credentials at CONNECT, wrong ones in `identify`, and none at all.
    static let probe = #"""
        import asyncio, json, sys
        import socketio

        async def identify_then_wait(url, payload):
            client = socketio.AsyncClient(reconnection=False)
            gone = asyncio.Event()
            client.on("disconnect", lambda *args: gone.set())
            hello = []
            client.on("hello", lambda data: hello.append(data))
            await client.connect(url, wait_timeout=10)
            ack = await client.call("identify", payload, timeout=10)
            await asyncio.wait_for(gone.wait(), 10)
            print("identify", json.dumps(ack), "hello" if hello else "no-hello", "disconnected", flush=True)

        async def main(url):
            client = socketio.AsyncClient(reconnection=False)
            errors = []
            client.on("connect_error", lambda data: errors.append(data))
            try:
                await client.connect(url, auth={"instance": "shard-0.1", "key": "wrong"}, wait_timeout=10)
                print("connect accepted", flush=True)
            except socketio.exceptions.ConnectionError:
                print("connect refused", json.dumps(errors), flush=True)
            await identify_then_wait(url, {"version": "t", "instance": "shard-0.1", "key": "wrong"})
            await identify_then_wait(url, {"version": "t"})

        asyncio.run(main(sys.argv[1]))
        """#

    @Test("wrong credentials get CONNECT_ERROR unauthorized, or an error ACK and a disconnect at identify; no hello; the log says wrong key")
    func wrongCredentialsAreRefused() async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 1) { harness in
                #expect(try await harness.deploy("main").outcome == .succeeded)
                let port = await harness.daemon.channelPort
                let script = "\(scenario.folder)/probe.py"
                try Self.probe.write(toFile: script, atomically: true, encoding: .utf8)

                let probed = try await Command.run(["python3", script, "http://127.0.0.1:\(port)"])
                let output = probed.standardOutput + probed.standardError
                let lines = probed.outputLines
                #expect(lines.count == 3, "\(output)")
                #expect(lines.first?.hasPrefix("connect refused") == true && lines.first?.contains("unauthorized") == true, "\(output)")
                for line in lines.dropFirst() {
                    #expect(line.contains(#""error": "unauthorized""#) && line.hasSuffix("no-hello disconnected"), "\(line)")
                }
                #expect(harness.daemon.channelSessionCount == 1)
                // The first refusal is reported at once (the next ones within a second are folded into one report).
                _ = try await harness.poll("the wrong key of shard-0.1 reported as such") {
                    try harness.daemon.store.events(deployment: nil).first {
                        $0.kind == "channel.refused" && $0.detail["why"] == "wrong key for shard-0.1 in the CONNECT auth"
                    }
                }
            }
        }
    }
}

/// Refused connections and shedding: logged at WARNING with the peer and why, reported to the engine
/// (`channel.refused` in the audit trail), both rate-limited; sessions that never authenticate are closed.
@Suite("Integration: channel refusals", .serialized)
struct ChannelRefusalIntegrationTests {
    /// Raw Engine.IO over aiohttp (fast), plus one python-socketio client for `identify`.
    static let flood = #"""
        import asyncio, json, sys, time
        import aiohttp, socketio

        URL = sys.argv[1]
        ENGINE = URL + "/socket.io/?EIO=4&transport=polling"

        async def handshake(http):
            async with http.get(ENGINE) as response:
                return json.loads((await response.text())[1:])["sid"]

        async def post(http, sid, body):
            async with http.post(ENGINE + "&sid=" + sid, data=body) as response:
                await response.text()

        async def get(http, sid):
            async with http.get(ENGINE + "&sid=" + sid) as response:
                return response.status, await response.text()

        async def unauthenticated_until_closed(http):
            started = time.monotonic()
            sid = await handshake(http)
            await post(http, sid, "40")
            while True:
                status, body = await get(http, sid)
                packets = body.split("\x1e")
                if status == 400 or "1" in packets:
                    return time.monotonic() - started
                if "2" in packets:
                    await post(http, sid, "3")

        async def wrong_key(http):
            sid = await handshake(http)
            await post(http, sid, '40{"instance":"shard-0.9","key":"wrong"}')
            while True:
                packets = (await get(http, sid))[1].split("\x1e")
                answers = [packet for packet in packets if packet != "2"]
                if answers:
                    return answers[0]
                await post(http, sid, "3")

        async def main():
            async with aiohttp.ClientSession() as http:
                closed_after = await unauthenticated_until_closed(http)
                print("unauthenticated closed after", round(closed_after, 1), flush=True)
                answers = await asyncio.gather(*[wrong_key(http) for _ in range(30)])
                print("refused", sum('44{"message":"unauthorized"}' in answer for answer in answers), flush=True)
                client = socketio.AsyncClient(reconnection=False)
                await client.connect(URL, wait_timeout=30)
                print("identify", json.dumps(await client.call("identify", {"version": "t"}, timeout=30)), flush=True)
                await client.disconnect()
                for _ in range(50):
                    await handshake(http)
                print("handshakes done", flush=True)

        asyncio.run(main())
        """#

    @Test("an unauthenticated session closes at identify_timeout; refusals and shedding are logged and reported, rate-limited")
    func refusalsAreLoggedAndReported() async throws {
        try await Scenario.run { scenario in
            let log = RedactingLogHandlerTests.Collector()
            try await scenario.withDaemon(
                instances: 1,
                adjust: { configuration in
                    // Long enough for the last client to connect and identify on a loaded box: its session closes at
                    // this timeout, and then its identify is never answered and the handshakes that bring the
                    // shedding never come (at 3 s, then at 6 s, a loaded full run once could not).
                    configuration.health.identifyTimeout = .seconds(15)
                    configuration.channel.pingInterval = .milliseconds(300)
                    configuration.channel.pingTimeout = .seconds(10)
                    // 50 handshakes pass this cap, above the 30 wrong keys (all below the default 100): the key
                    // reaches the server.
                    configuration.channel.maxUnauthenticatedPerPeer = 40
                },
                logHandler: { _ in RedactingLogHandlerTests.CollectingHandler(collector: log) }
            ) { harness in
                let port = await harness.daemon.channelPort
                let script = "\(scenario.folder)/flood.py"
                try Self.flood.write(toFile: script, atomically: true, encoding: .utf8)

                let started = ContinuousClock.now
                let flooded = try await Command.run(["python3", script, "http://127.0.0.1:\(port)"])
                let output = flooded.standardOutput + flooded.standardError
                let lines = flooded.outputLines
                #expect(lines.count == 4, "\(output)")
                let closedAfter = lines.first.flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
                #expect(closedAfter >= 14.5 && closedAfter < 45, "\(output)")
                #expect(lines.dropFirst().first == "refused 30", "\(output)")
                #expect(lines.dropFirst(2).first?.contains(#""error": "unauthorized""#) == true, "\(output)")

                func reports(_ cause: String) throws -> [AuditEntry] {
                    try harness.daemon.store.events(deployment: nil).filter { $0.kind == "channel.refused" && $0.detail["cause"] == cause }
                }
                let credentials = try await harness.poll("31 credential refusals reported") { () -> [AuditEntry]? in
                    let found = try reports("credentials")
                    return found.reduce(0) { $0 + (Int($1.detail["count"] ?? "") ?? 0) } == 31 ? found : nil
                }
                // The refusals come after the first session closed (`closedAfter`): at most one report a second since.
                let elapsedSeconds = Int((ContinuousClock.now - started).components.seconds) - Int(closedAfter)
                #expect(credentials.count <= elapsedSeconds + 2, "\(credentials.count) reports in \(elapsedSeconds) s")
                #expect(credentials.allSatisfy { $0.detail["peer"] == "127.0.0.1" })
                #expect(credentials.contains { $0.client == ClientID(rawValue: "shard-0.9") && $0.detail["why"] == "unknown client id shard-0.9 in the CONNECT auth" })
                #expect(credentials.contains { $0.client == nil && $0.detail["why"]?.contains("see the README's protocol section") == true })
                _ = try await harness.poll("shedding reported") { try reports("shedding").first }

                let warnings = log.lines.withLock { $0 }.filter { $0.contains("channel connection refused") }
                #expect(warnings.count == credentials.count, "\(warnings)")
                #expect(warnings.allSatisfy { $0.contains("peer 127.0.0.1") }, "\(warnings)")
                #expect(log.lines.withLock { $0 }.contains { $0.contains("channel shedding sessions") })
            }
        }
    }
}
