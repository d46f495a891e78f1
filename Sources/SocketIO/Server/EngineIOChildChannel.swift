import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// A connection of the Socket.IO server's listener: HTTP/1.1 served by Hummingbird's
/// responder, or, after an Engine.IO WebSocket upgrade, an ``EngineIOWebSocketHandler`` in the
/// channel pipeline. A WebSocket holds no task: its frames are handled on the event loop.
/// A refused upgrade is answered with the Engine.IO error's JSON body.
struct EngineIOChildChannel: ServerChildChannel, HTTPChannelHandler {
    /// How the first request of the connection was handled.
    enum UpgradeResult: Sendable {
        /// Upgraded: the pipeline serves the WebSocket.
        case webSocket
        /// An HTTP request: Hummingbird serves the connection.
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// A WebSocket upgrade the server refused, with its error.
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, EngineIORequestError)
    }

    /// The negotiation in progress on one connection.
    struct Value: ServerChildChannelValue {
        let upgradeResult: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    let server: SocketIOServer
    let responder: Responder
    let http1: HTTP1Channel.Configuration

    init(server: SocketIOServer, responder: @escaping Responder, http1: HTTP1Channel.Configuration) {
        self.server = server
        self.responder = Self.redirectingLateUpgrades(to: responder)
        self.http1 = http1
    }

    /// NIO upgrades only on the first request of a connection; a client that reuses a
    /// keep-alive connection for its upgrade (aiohttp does, after polling) is sent a 307 to the
    /// same target with `Connection: close`, and upgrades on a fresh connection, as
    /// hummingbird-websocket does.
    private static func redirectingLateUpgrades(to responder: @escaping Responder) -> Responder {
        struct LateUpgradeRedirected: Error {}
        return { request, responseWriter, channel in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                return try await responder(request, responseWriter, channel)
            }
            let response = HTTPResponse(status: .temporaryRedirect, headerFields: [.connection: "close", .location: request.uri.description])
            try await responseWriter.writeResponse(response)
            throw LateUpgradeRedirected()
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let refusal = NIOLoopBoundBox<EngineIORequestError?>(nil, eventLoop: channel.eventLoop)
            let admitted = NIOLoopBoundBox<EngineIOWebSocketHandler.Admission?>(nil, eventLoop: channel.eventLoop)
            let server = self.server
            let upgrader = NIOTypedWebSocketServerUpgrader<UpgradeResult>(
                maxFrameSize: server.configuration.maxPayload,  // a larger frame: 1009 from NIO's error handler
                shouldUpgrade: { channel, head in
                    let headers = (try? HTTPRequest(head, secure: false, splitCookie: false))?.headerFields ?? [:]
                    switch server.admitWebSocket(target: head.uri, headers: headers, channel: channel) {
                    case .accept(let session, let transport, let opensSession):
                        admitted.value = .init(session: session, transport: transport, opensSession: opensSession)
                        return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
                    case .refuse(let error):
                        refusal.value = error
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard let admission = admitted.value else { throw ChannelError.inappropriateOperationForState }
                        try channel.pipeline.syncOperations.addHandler(
                            EngineIOWebSocketHandler(
                                admission: admission,
                                maxPayload: server.configuration.maxPayload,
                                maxPendingBytes: server.configuration.maxQueuedBytes))
                        return UpgradeResult.webSocket
                    }
                }
            )
            let http1 = self.http1
            let upgradeConfiguration = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandlers(http1.additionalChannelHandlers())
                        try channel.pipeline.syncOperations.addHandler(
                            HTTPConnectionStateHandler(idleTimeout: http1.idleTimeout.map { .init($0) }, logger: logger))
                        let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true))
                        if let error = refusal.value { return UpgradeResult.refused(asyncChannel, error) }
                        return UpgradeResult.http(asyncChannel)
                    }
                }
            )
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(upgradeConfiguration: upgradeConfiguration)
            configuration.enablePipelining = false
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false
            configuration.decoderConfiguration.maxHeaderFieldSize = http1.httpDecoder.maxHeaderFieldSize
            configuration.decoderConfiguration.maxHeaderListSize = http1.httpDecoder.maxHeaderListSize
            configuration.decoderConfiguration.maxHeaderFieldCount = http1.httpDecoder.maxHeaderFieldCount
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            return Value(upgradeResult: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgradeResult.get() {
            case .webSocket:
                return
            case .http(let asyncChannel):
                await handleHTTP(asyncChannel: asyncChannel, logger: logger)
            case .refused(let asyncChannel, let error):
                logger.debug("WebSocket upgrade refused", metadata: ["reason": "\(error.reason)"])
                await Self.write(error, to: asyncChannel)
            }
        } catch {
            logger.debug("Connection ended before its first request", metadata: ["error": "\(error)"])
        }
    }

    /// Answers a refused upgrade with the error's status and JSON body, then closes.
    private static func write(_ error: EngineIORequestError, to asyncChannel: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>) async {
        let body = ByteBuffer(string: error.body)
        let head = HTTPResponse(
            status: error.status,
            headerFields: [.contentType: "application/json", .contentLength: "\(body.readableBytes)", .connection: "close"])
        try? await asyncChannel.executeThenClose { _, outbound in
            try await outbound.write(contentsOf: [.head(head), .body(body), .end(nil)])
        }
    }
}
