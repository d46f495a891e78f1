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
    /// Let the client join
    case accept
    /// Refuse with CONNECT_ERROR `{"message": message}`
    case refuse(message: String)
}
