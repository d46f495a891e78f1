public import FleetTypes
import Synchronization

/// A Socket.IO namespace: its auth hook, its connect handler and its connected sockets.
///
/// ```swift
/// let admin = server.namespace("/admin")
/// admin.authenticate { handshake in
///     handshake.auth["key"] == "secret" ? .accept : .refuse(message: "unauthorized")
/// }
/// admin.onConnect { socket in socket.on("ping") { _, ack in ack?(["pong"]) } }
/// admin.emit("news", ["to everyone in /admin"])
/// ```
public final class SocketIONamespace: Sendable {
    private struct State: Sendable {
        var connectHandler: (@Sendable (SocketIOSocket) async -> Void)?
        var authenticator: (@Sendable (SocketIOHandshake) async -> SocketIOAuthDecision)?
        var sockets: [String: SocketIOSocket] = [:]
    }

    /// The namespace name, starting with `/`
    public let name: String
    private let state = Mutex(State())

    init(name: String) {
        self.name = name
    }

    /// Sets the handler called for every accepted connection, after the CONNECT answer was queued.
    /// Register the socket's event handlers here.
    public func onConnect(_ handler: @escaping @Sendable (SocketIOSocket) async -> Void) {
        state.withLock { $0.connectHandler = handler }
    }

    /// Sets the hook that decides whether a CONNECT is accepted; without one every CONNECT is.
    public func authenticate(_ hook: @escaping @Sendable (SocketIOHandshake) async -> SocketIOAuthDecision) {
        state.withLock { $0.authenticator = hook }
    }

    /// The connected sockets.
    public var sockets: [SocketIOSocket] {
        state.withLock { Array($0.sockets.values) }
    }

    /// The connected socket with this id.
    public func socket(id: String) -> SocketIOSocket? {
        state.withLock { $0.sockets[id] }
    }

    /// Sends an event to every connected socket of the namespace (sockets that disconnect meanwhile are skipped).
    public func emit(_ event: String, _ arguments: [JSONValue] = []) {
        for socket in sockets {
            try? socket.emit(event, arguments)
        }
    }

    func authenticate(_ handshake: SocketIOHandshake) async -> SocketIOAuthDecision {
        guard let hook = state.withLock({ $0.authenticator }) else { return .accept }
        return await hook(handshake)
    }

    func connected(_ socket: SocketIOSocket) async {
        let handler = state.withLock { state in
            state.sockets[socket.id] = socket
            return state.connectHandler
        }
        await handler?(socket)
    }

    func removed(_ socket: SocketIOSocket) {
        _ = state.withLock { $0.sockets.removeValue(forKey: socket.id) }
    }
}
