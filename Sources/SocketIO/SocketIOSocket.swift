public import FleetTypes
import Synchronization

/// Handles one event: the event's arguments, and the acknowledgement to call when the client asked for one.
public typealias SocketIOEventHandler = @Sendable (_ arguments: [JSONValue], _ ack: SocketIOAck?) async -> Void

/// Sends the ACK for an event that carried an ack id. Call it once.
public struct SocketIOAck: Sendable {
    let socket: SocketIOSocket
    let ackID: Int

    /// Sends the ACK with these arguments (BINARY_ACK when they hold binary values); does
    /// nothing when the socket is no longer connected.
    public func callAsFunction(_ arguments: [JSONValue] = []) {
        let packet = SocketIOPacket(kind: .ack, namespace: socket.namespace, ackID: ackID, data: .array(arguments))
        try? socket.session.send(packet, socketID: socket.id)
    }
}

/// One client's connection to one namespace.
///
/// Register handlers in the namespace's connect handler; they run one at a time, in the order
/// the client sent the events (per Engine.IO session). Emitting works from any task.
///
/// ```swift
/// server.namespace("/").onConnect { socket in
///     socket.on("identify") { arguments, ack in
///         ack?([["ok": true]])
///     }
///     socket.onDisconnect { reason in print("gone: \(reason)") }
///     try? socket.emit("hello", [["token": "..."]])
/// }
/// ```
public final class SocketIOSocket: Sendable {
    private struct Handlers: Sendable {
        var events: [String: SocketIOEventHandler] = [:]
        var disconnect: [@Sendable (DisconnectReason) async -> Void] = []
        var disconnected = false
    }

    /// The socket id (the `sid` of the CONNECT answer)
    public let id: String
    /// The namespace name
    public let namespace: String
    /// What the client presented on CONNECT
    public let handshake: SocketIOHandshake
    let session: EngineIOSession
    private let handlers = Mutex(Handlers())

    init(id: String, namespace: String, handshake: SocketIOHandshake, session: EngineIOSession) {
        self.id = id
        self.namespace = namespace
        self.handshake = handshake
        self.session = session
    }

    /// The Engine.IO session id this socket runs on.
    public var sessionID: String { session.id }

    /// Whether the socket is still connected to its namespace.
    public var isConnected: Bool {
        session.locked { $0.socketIO.isConnected(namespace: namespace, socketID: id) }
    }

    /// Registers the handler for `event`, replacing an earlier one. Once the socket has disconnected, nothing is
    /// registered (no event will come).
    /// - Parameters:
    ///   - event: The event name
    ///   - handler: Called with the arguments and, when the client wants one, an ack
    public func on(_ event: String, _ handler: @escaping SocketIOEventHandler) {
        handlers.withLock { handlers in
            guard !handlers.disconnected else { return }
            handlers.events[event] = handler
        }
    }

    /// Registers a handler called once when the socket disconnects, with the reason. Once the socket has
    /// disconnected, nothing is registered.
    public func onDisconnect(_ handler: @escaping @Sendable (DisconnectReason) async -> Void) {
        handlers.withLock { handlers in
            guard !handlers.disconnected else { return }
            handlers.disconnect.append(handler)
        }
    }

    /// Sends an event to the client.
    /// - Parameters:
    ///   - event: The event name
    ///   - arguments: The arguments (binary values go as attachments)
    /// - Throws: ``SocketIOError`` with code ``SocketIOError/Code/disconnected`` when the socket is gone.
    public func emit(_ event: String, _ arguments: [JSONValue] = []) throws(SocketIOError) {
        let packet = SocketIOPacket(kind: .event, namespace: namespace, data: .array([.string(event)] + arguments))
        try session.send(packet, socketID: id)
    }

    /// Sends an event with an ack id and waits for the client's acknowledgement.
    /// - Parameters:
    ///   - event: The event name
    ///   - arguments: The arguments
    ///   - timeout: How long to wait for the ACK (checked on the server's heartbeat tick)
    /// - Returns: The ACK's arguments
    /// - Throws: ``SocketIOError`` (``SocketIOError/Code/ackTimeout``, ``SocketIOError/Code/disconnected``,
    ///   ``SocketIOError/Code/cancelled``).
    public func emitWithAck(_ event: String, _ arguments: [JSONValue] = [], timeout: Duration) async throws -> [JSONValue] {
        try await session.sendWithAck(namespace: namespace, event: [.string(event)] + arguments, socketID: id, timeout: timeout)
    }

    /// Sends DISCONNECT for this namespace.
    /// - Parameter closingSession: Whether to close the whole Engine.IO session afterwards (with a close
    ///   packet, after the DISCONNECT); otherwise it stays open for other namespaces.
    public func disconnect(closingSession: Bool = false) {
        session.disconnect(namespace: namespace, socketID: id)
        if closingSession { closeSession() }
    }

    /// Marks the socket's Engine.IO session authenticated, for a socket its namespace accepted with
    /// ``SocketIOAuthDecision/acceptUnauthenticated`` once the application checked credentials that came
    /// later (in an event): the session is then no longer closed at the connect timeout nor counted against
    /// the unauthenticated limits. Does nothing when the session already is authenticated or has ended.
    public func markAuthenticated() {
        session.markAuthenticated()
    }

    /// Closes the whole Engine.IO session (every namespace of this client), with a close packet.
    public func closeSession() {
        session.close(reason: .forcedClose, kind: .withClosePacket)
    }

    /// Drops the underlying transport at once, with no DISCONNECT and no close packet, as a
    /// network failure would (the client sees a lost connection and reconnects).
    public func dropTransport() {
        session.close(reason: .transportClose, kind: .drop)
    }

    func handle(event: String, arguments: [JSONValue], ackID: Int?) async {
        guard let handler = handlers.withLock({ $0.events[event] }) else { return }
        await handler(arguments, ackID.map { SocketIOAck(socket: self, ackID: $0) })
    }

    /// Calls the disconnect handlers once, then lets go of every handler: they usually capture what holds this
    /// socket, and a cycle kept would keep the socket and its ended session for good.
    func didDisconnect(reason: DisconnectReason) async {
        let callbacks = handlers.withLock { handlers -> [@Sendable (DisconnectReason) async -> Void] in
            guard !handlers.disconnected else { return [] }
            let callbacks = handlers.disconnect
            handlers = Handlers(disconnected: true)
            return callbacks
        }
        for callback in callbacks { await callback(reason) }
    }
}
