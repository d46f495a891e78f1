/// Why a socket or an Engine.IO session ended, in the reference server's words.
public struct DisconnectReason: Sendable, Hashable, CustomStringConvertible {
    /// The reason as the JavaScript server names it (`"ping timeout"`, `"transport close"`, ...)
    public let description: String
    private init(_ description: String) { self.description = description }

    /// The client left the namespace (DISCONNECT packet from the client).
    public static let clientNamespaceDisconnect = DisconnectReason("client namespace disconnect")
    /// The server disconnected the socket (``SocketIOSocket/disconnect()``).
    public static let serverNamespaceDisconnect = DisconnectReason("server namespace disconnect")
    /// The client closed the connection (close packet, closed WebSocket) or it was lost.
    public static let transportClose = DisconnectReason("transport close")
    /// The transport failed: overlapping requests, an outgoing queue the client does not drain.
    public static let transportError = DisconnectReason("transport error")
    /// The client did not answer a ping within `pingTimeout`.
    public static let pingTimeout = DisconnectReason("ping timeout")
    /// The client sent a packet that breaks the protocol.
    public static let parseError = DisconnectReason("parse error")
    /// The server closed the session (connect timeout, ``SocketIOSocket/disconnect(closingSession:)``).
    public static let forcedClose = DisconnectReason("forced close")
    /// The server is shutting down.
    public static let serverShuttingDown = DisconnectReason("server shutting down")
}
