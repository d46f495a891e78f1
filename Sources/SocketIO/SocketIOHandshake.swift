public import FleetTypes
public import Hummingbird
public import NIOCore

/// What a client presented when it connected to a namespace: the CONNECT auth payload and
/// the facts of its HTTP connection. Passed to a namespace's ``SocketIONamespace/authenticate(_:)`` hook.
public struct SocketIOHandshake: Sendable {
    /// Facts of the HTTP request that opened the Engine.IO session.
    public struct Connection: Sendable {
        /// The peer's address
        public var remoteAddress: SocketAddress?
        /// The request headers
        public var headers: HTTPFields
        /// The query parameters (`EIO`, `transport`, and whatever the client added)
        public var query: [String: String]

        /// The peer's IP address as text, `unknown` when the transport did not say.
        public var peer: String { Self.peer(of: remoteAddress) }

        /// An IP address as text, `unknown` for none.
        static func peer(of address: SocketAddress?) -> String { address?.ipAddress ?? "unknown" }
    }

    /// The namespace the client asks to join
    public let namespace: String
    /// The CONNECT payload (`{}` when the client sent none)
    public let auth: JSONValue
    /// The Engine.IO session id
    public let sessionID: String
    /// The HTTP connection facts
    public let connection: Connection

    /// The peer's address.
    public var remoteAddress: SocketAddress? { connection.remoteAddress }
    /// The peer's IP address as text, `unknown` when the transport did not say.
    public var peer: String { connection.peer }
    /// The request headers of the session's first request.
    public var headers: HTTPFields { connection.headers }
    /// The query parameters of the session's first request.
    public var query: [String: String] { connection.query }

    /// Whether the peer connected from a loopback address (127.0.0.0/8 or ::1).
    public var isLoopback: Bool {
        guard let address = remoteAddress?.ipAddress else { return false }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}

/// The verdict of a namespace's auth hook.
public enum SocketIOAuthDecision: Sendable, Hashable {
    /// Let the client join; the session is authenticated
    case accept
    /// Let the client join, but leave the session unauthenticated (credentials may come later, in an event):
    /// it counts against the unauthenticated limits and is closed at the connect timeout unless the application
    /// calls ``SocketIOSocket/markAuthenticated()`` first
    case acceptUnauthenticated
    /// Refuse with CONNECT_ERROR `{"message": message}`
    case refuse(message: String)
}
