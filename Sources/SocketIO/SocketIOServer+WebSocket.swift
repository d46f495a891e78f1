import Hummingbird
public import HummingbirdCore
import NIOCore

extension SocketIOServer {
    /// An HTTP/1.1 server whose requests go to the application's router (where
    /// ``middleware()`` serves the polling transport) and whose WebSocket upgrades on the
    /// server's path are served inside the NIO pipeline, with no task per connection.
    /// Pass it as `server:` to Hummingbird's `Application`.
    /// - Parameter http1: Hummingbird's HTTP/1 settings for the non-WebSocket requests
    public func httpServerBuilder(http1: HTTP1Channel.Configuration = .init()) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            EngineIOChildChannel(server: self, responder: responder, http1: http1)
        }
    }

    /// What a WebSocket upgrade request gets.
    enum WebSocketAdmission {
        /// Upgrade, and serve `transport` of `session`; `opensSession` when the WebSocket
        /// opened the session (it is sent the open packet first).
        case accept(session: EngineIOSession, transport: EngineIOTransportID, opensSession: Bool)
        /// Refuse with the Engine.IO error.
        case refuse(EngineIORequestError)
    }

    /// Decides on a WebSocket upgrade request: a new session (`transport=websocket` without
    /// `sid`), the upgrade of a polling session, or a refusal with the reference server's error.
    func admitWebSocket(target: String, headers: HTTPFields, channel: any Channel) -> WebSocketAdmission {
        let (path, queryString) = EngineIORequest.split(target: target)
        guard isOwnPath(String(path)) else {
            return .refuse(EngineIORequestError(.badRequest, reason: "WebSocket upgrade on \(path), not on \(configuration.normalizedPath)"))
        }
        let parameters: EngineIORequest
        do {
            parameters = try EngineIORequest(query: queryString, method: .get, isUpgrade: true)
        } catch {
            return .refuse(error)
        }
        guard parameters.transport == .websocket else {
            return .refuse(EngineIORequestError(.badRequest, reason: "WebSocket upgrade with transport \(parameters.transport)"))
        }
        if let sessionID = parameters.sessionID {
            guard let session = session(id: sessionID) else {
                return .refuse(EngineIORequestError(.unknownSessionID, reason: "sid \(sessionID)"))
            }
            guard let probe = session.beginProbe() else {
                return .refuse(EngineIORequestError(.badRequest, reason: "session \(sessionID) cannot upgrade now"))
            }
            return .accept(session: session, transport: probe, opensSession: false)
        }
        let connection = SocketIOHandshake.Connection(remoteAddress: channel.remoteAddress, headers: headers, query: parameters.query)
        guard let session = openSession(transport: .webSocket(0), connection: connection, eventLoop: channel.eventLoop) else {
            return .refuse(EngineIORequestError(.forbidden, reason: "session limit of \(configuration.maxSessions) reached"))
        }
        return .accept(session: session, transport: session.takeWebSocketID(), opensSession: true)
    }
}
