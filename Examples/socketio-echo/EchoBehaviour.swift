import SocketIO

/// The echo behaviour the conformance suites expect, for one namespace.
enum EchoBehaviour {
    static func install(on namespace: SocketIONamespace) {
        namespace.onConnect { socket in
            socket.on("message") { arguments, _ in
                try? socket.emit("message-back", arguments)
            }
            socket.on("message-with-ack") { arguments, ack in
                ack?(arguments)
            }
            socket.on("request-callback") { arguments, _ in
                guard let answer = try? await socket.emitWithAck("callback", arguments, timeout: .seconds(60)) else { return }
                try? socket.emit("callback-result", answer)
            }
            socket.on("disconnect-me") { _, _ in
                socket.disconnect()
            }
            socket.on("drop-transport") { _, _ in
                socket.dropTransport()
            }
            try? socket.emit("auth", [socket.handshake.auth])
        }
    }
}
