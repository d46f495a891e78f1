public import Hummingbird
public import HummingbirdCore
public import HummingbirdWebSocket
public import Logging
public import NIOCore

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
        return .upgrade([:]) { inbound, outbound, _ in
            if isNew {
                try await outbound.write(.text(session.openPacket(upgrades: []).encodedText))
            }
            await Self.serve(session: session, transport: transport, inbound: inbound, outbound: outbound, channel: channel, maxPayload: maxPayload)
        }
    }

    /// Runs a WebSocket's reader and writer until either ends.
    private static func serve(
        session: EngineIOSession,
        transport: EngineIOTransportID,
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter,
        channel: any Channel,
        maxPayload: Int
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while let next = await session.nextOutbound(for: transport) {
                    let packets: [EngineIOPacket]
                    let isLast: Bool
                    switch next {
                    case .packets(let list): (packets, isLast) = (list, false)
                    case .finish(let list): (packets, isLast) = (list, true)
                    case .drop:
                        try? await channel.close()
                        return
                    }
                    do {
                        for packet in packets {
                            switch packet {
                            case .binary(let bytes): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                            default: try await outbound.write(.text(packet.encodedText))
                            }
                        }
                    } catch {
                        session.transportEnded(transport)
                        return
                    }
                    if isLast { return }
                }
            }
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: maxPayload) {
                        switch message {
                        case .text(let text):
                            do {
                                session.receive([try EngineIOPacket(decoding: text[...])], from: transport)
                            } catch {
                                session.receiveMalformed()
                            }
                        case .binary(let buffer):
                            session.receive([.binary(Array(buffer.readableBytesView))], from: transport)
                        }
                    }
                } catch {}
                session.transportEnded(transport)
            }
            await group.next()
            group.cancelAll()
        }
    }
}
