public import Hummingbird
public import HummingbirdCore
public import HummingbirdWebSocket
public import Logging
public import NIOCore
import NIOWebSocket

extension SocketIOServer {
    /// The WebSocket settings the server needs: frames up to ``Configuration/maxPayload``,
    /// no WebSocket-level auto ping (Engine.IO has its own heartbeat).
    public var webSocketConfiguration: WebSocketServerConfiguration {
        WebSocketServerConfiguration(maxFrameSize: max(configuration.maxPayload, 1 << 14), autoPing: .disabled)
    }

    /// An HTTP/1.1 server with WebSocket upgrades routed to this server; pass it as `server:`
    /// to Hummingbird's `Application`.
    public func httpServerBuilder() -> HTTPServerBuilder {
        .http1WebSocketUpgrade(configuration: .init(http1: .init(), ws: webSocketConfiguration)) { request, channel, logger in
            self.webSocketUpgrade(request: request, channel: channel, logger: logger)
        }
    }

    /// Decides on a WebSocket upgrade request: a new session (`transport=websocket` without `sid`)
    /// or the upgrade of a polling session. Refused requests fall through to the HTTP responder,
    /// whose ``SocketIOMiddleware`` answers them with the Engine.IO error.
    public func webSocketUpgrade(
        request: HTTPRequest,
        channel: any Channel,
        logger: Logger
    ) -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let (path, queryString) = EngineIORequest.split(target: request.path ?? "")
        guard isOwnPath(String(path)),
            let parameters = try? EngineIORequest(query: queryString, method: request.method, isUpgrade: true),
            parameters.transport == .websocket
        else { return .dontUpgrade }
        let session: EngineIOSession
        let transport: EngineIOTransportID
        let isNew: Bool
        if let sessionID = parameters.sessionID {
            guard let existing = self.session(id: sessionID), let probe = existing.beginProbe() else { return .dontUpgrade }
            session = existing
            transport = probe
            isNew = false
        } else {
            let connection = SocketIOHandshake.Connection(
                remoteAddress: channel.remoteAddress,
                headers: request.headerFields,
                query: parameters.query
            )
            let placeholder = EngineIOTransportID.webSocket(0)
            guard let created = openSession(transport: placeholder, connection: connection) else { return .dontUpgrade }
            session = created
            transport = created.takeWebSocketID()
            isNew = true
        }
        let maxPayload = configuration.maxPayload
        let maxPendingBytes = configuration.maxQueuedBytes
        return .upgrade([:]) { inbound, outbound, _ in
            let writer = WebSocketWriter(channel: channel, maxPendingBytes: maxPendingBytes)
            if isNew {
                _ = writer.write(.packets([session.openPacket(upgrades: [])]))
            }
            session.attach(writer, as: transport)
            await Self.read(inbound, into: session, from: transport, maxPayload: maxPayload, outbound: outbound)
        }
    }

    /// Feeds a WebSocket's messages to the session until the socket ends. A message larger than
    /// `maxPayload` closes the socket with 1009 (message too big), as the JavaScript server does:
    /// the WebSocket layer checks its size limit only across continuation frames, and its frame
    /// limit is at least 16 KiB, so a single frame is checked here.
    private static func read(
        _ inbound: WebSocketInboundStream,
        into session: EngineIOSession,
        from transport: EngineIOTransportID,
        maxPayload: Int,
        outbound: WebSocketOutboundWriter
    ) async {
        do {
            for try await message in inbound.messages(maxSize: maxPayload) {
                guard message.byteCount <= maxPayload else {
                    try await outbound.close(.messageTooLarge, reason: "message too big")
                    break
                }
                switch message {
                case .text(let text):
                    do {
                        let packet = try EngineIOPacket(decoding: text[...])
                        await session.receive([packet], from: transport)
                    } catch {
                        session.receiveMalformed()
                    }
                case .binary(let buffer):
                    await session.receive([.binary(Array(buffer.readableBytesView))], from: transport)
                }
            }
        } catch {}
        session.transportEnded(transport)
    }
}

extension WebSocketMessage {
    /// The message's size in bytes (UTF-8 for text), as Engine.IO's `maxPayload` counts it.
    var byteCount: Int {
        switch self {
        case .text(let text): text.utf8.count
        case .binary(let buffer): buffer.readableBytes
        }
    }
}
