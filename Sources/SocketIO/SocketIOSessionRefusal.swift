public import NIOCore

/// A handshake the server turned away, or an unauthenticated session it closed to make room, because of a
/// session limit. Observe them with ``SocketIOServer/onSessionRefusal(_:)``.
public struct SocketIOSessionRefusal: Sendable, Hashable {
    /// What the server did.
    public enum Action: String, Sendable, Hashable {
        /// The new handshake got HTTP 403 `{"code":4}`: every session is authenticated and the total limit is reached.
        case refused
        /// The oldest unauthenticated session was closed so that the new handshake gets one.
        case shed
    }

    /// Which limit was reached.
    public enum Limit: String, Sendable, Hashable {
        /// ``SocketIOServer/Configuration/maxSessions``
        case sessions
        /// ``SocketIOServer/Configuration/maxUnauthenticatedSessions``
        case unauthenticatedSessions
        /// ``SocketIOServer/Configuration/maxUnauthenticatedSessionsPerAddress``
        case unauthenticatedSessionsPerAddress
    }

    /// What the server did
    public var action: Action
    /// The limit that was reached
    public var limit: Limit
    /// The peer whose session was refused or shed
    public var remoteAddress: SocketAddress?

    /// The peer's IP address as text, `unknown` when the transport did not say.
    public var peer: String { SocketIOHandshake.Connection.peer(of: remoteAddress) }

    /// For people: `session limit reached (unauthenticated sessions per address), shed an unauthenticated session`.
    public var description: String {
        let which =
            switch limit {
            case .sessions: "all sessions"
            case .unauthenticatedSessions: "unauthenticated sessions"
            case .unauthenticatedSessionsPerAddress: "unauthenticated sessions per address"
            }
        let what = action == .refused ? "handshake refused" : "oldest unauthenticated session closed"
        return "session limit reached (\(which)); \(what)"
    }
}
