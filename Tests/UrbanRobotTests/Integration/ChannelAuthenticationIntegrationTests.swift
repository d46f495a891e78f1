import Deployer
import Foundation
import TestSupport
import Testing
@testable import UrbanRobot

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

    @Test("wrong credentials get CONNECT_ERROR unauthorized, or an error ACK and a disconnect at identify; no hello")
    func wrongCredentialsAreRefused() async throws {
        let (folder, repository, _) = try await BotRepository.withHealthyFirstRevision()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let harness = try await DaemonHarness(folder: folder, source: repository.url, instances: 1)
        let port = await harness.daemon.channelPort
        let script = "\(folder)/probe.py"
        try Self.probe.write(toFile: script, atomically: true, encoding: .utf8)

        let probed = try await Command.run(["python3", script, "http://127.0.0.1:\(port)"])
        let output = probed.standardOutput + probed.standardError
        let lines = probed.outputLines
        #expect(lines.count == 3, "\(output)")
        #expect(lines.first?.hasPrefix("connect refused") == true && lines.first?.contains("unauthorized") == true, "\(output)")
        for line in lines.dropFirst() {
            #expect(line.contains(#""error": "unauthorized""#) && line.hasSuffix("no-hello disconnected"), "\(line)")
        }
        #expect(harness.daemon.channelSessionCount == 0)
        try await harness.shutdown()
    }
}
