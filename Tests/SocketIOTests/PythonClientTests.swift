import FleetTypes
import Foundation
import TestSupport
import Testing

@testable import SocketIO

/// Stock python-socketio clients (sync `Client` and `AsyncClient`) against the in-process server.
@Suite(.serialized) struct PythonClientTests {
    static let script = #"""
        import asyncio, sys, socketio

        url, mode = sys.argv[1], sys.argv[2]
        transports = ["websocket"] if mode.endswith("websocket") else ["polling", "websocket"]

        def report(*words):
            print(*words, flush=True)

        if mode.startswith("sync"):
            sio = socketio.Client(reconnection=False)
            results = {}

            @sio.on("auth")
            def on_auth(data):
                results["auth"] = data

            @sio.event
            def connect_error(data):
                results["connect_error"] = data

            @sio.on("callback")
            def on_callback(*args):
                return ["client-answer"] + list(args)

            try:
                sio.connect(url, auth={"key": "wrong"}, transports=transports, wait_timeout=10)
                report("refused no")
            except socketio.exceptions.ConnectionError:
                report("refused", results.get("connect_error"))
            sio.connect(url, auth={"key": "k", "instance": "i-1"}, transports=transports, wait_timeout=10)
            sio.sleep(0.5)
            report("transport", sio.transport())
            report("call", sio.call("message-with-ack", {"n": 1}, timeout=10))
            report("server-ack", sio.call("request-callback", 5, timeout=10))
            report("auth", results.get("auth"))
            sio.disconnect()
            report("done")
        else:
            async def main():
                sio = socketio.AsyncClient(reconnection=False)
                await sio.connect(url, auth={"key": "k"}, transports=transports, wait_timeout=10)
                await sio.sleep(0.5)
                report("transport", sio.transport())
                report("call", await sio.call("message-with-ack", [1, "two"], timeout=10))
                report("binary", await sio.call("message-with-ack", b"\x01\x02", timeout=10))
                await sio.disconnect()
                report("done")
            asyncio.run(main())
        """#

    static func pythonServer(_ server: SocketIOServer) {
        let root = server.namespace("/")
        root.authenticate { $0.auth["key"] == "k" ? .accept : .refuse(message: "unauthorized") }
        root.onConnect { socket in
            socket.on("message-with-ack") { arguments, ack in ack?(arguments) }
            socket.on("request-callback") { arguments, ack in
                let answer = (try? await socket.emitWithAck("callback", arguments, timeout: .seconds(10))) ?? []
                ack?(answer)
            }
            try? socket.emit("auth", [socket.handshake.auth])
        }
    }

    /// Runs the client script in `mode` and returns its output lines.
    static func runClient(port: Int, mode: String) async throws -> [String] {
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("socketio-client-\(UUID().uuidString).py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let result = try await Command.run(["python3", scriptURL.path, "http://127.0.0.1:\(port)", mode])
        #expect(result.status == 0, "python client \(mode) failed: \(result.standardOutput)\(result.standardError)")
        return result.outputLines
    }

    static let syncExpectation = [
        "refused {'message': 'unauthorized'}",
        "transport websocket",
        "call {'n': 1}",
        "server-ack ['client-answer', 5]",
        "auth {'key': 'k', 'instance': 'i-1'}",
        "done",
    ]
    static let asyncExpectation = ["transport websocket", "call [1, 'two']", "binary b'\\x01\\x02'", "done"]

    @Test(arguments: [
        ("sync-polling", syncExpectation), ("sync-websocket", syncExpectation),
        ("async-polling", asyncExpectation), ("async-websocket", asyncExpectation),
    ])
    func stockClient(mode: String, expected: [String]) async throws {
        try await LiveServer.run(setup: Self.pythonServer) { live in
            let lines = try await Self.runClient(port: live.port, mode: mode)
            #expect(lines == expected)
        }
    }
}
