public import Hummingbird
public import NIOCore
import ServiceLifecycle
import Synchronization

/// Routes requests on the server's path to the Engine.IO polling transport; passes every other
/// request on. Add it to a `Router` (it answers any method, including `OPTIONS` preflights).
///
/// The peer's address reaches ``SocketIOHandshake/remoteAddress`` when the router's context
/// conforms to `RemoteAddressRequestContext`, as ``SocketIORequestContext`` does.
public struct SocketIOMiddleware<Context: RequestContext>: RouterMiddleware {
    let server: SocketIOServer

    /// Handles the request when its path is the server's path.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard server.isOwnPath(request.uri.path) else { return try await next(request, context) }
        let remoteAddress = (context as? any RemoteAddressRequestContext)?.remoteAddress
        let eventLoop = (context as? SocketIORequestContext)?.eventLoop
        return await server.respond(to: request, remoteAddress: remoteAddress, eventLoop: eventLoop)
    }
}

/// A request context that records the peer's address, for ``SocketIOHandshake/remoteAddress``,
/// and the connection's event loop, where the handlers of a session it opens run (with other
/// contexts they run on the global executor).
public struct SocketIORequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's core context storage
    public var coreContext: CoreRequestContextStorage
    /// The peer's address
    public let remoteAddress: SocketAddress?
    /// The event loop of the request's connection
    public let eventLoop: any EventLoop

    /// Creates the context for a request on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.eventLoop = source.channel.eventLoop
    }
}

extension SocketIOServer {
    /// The middleware that serves the polling transport on ``Configuration/path``.
    public func middleware<Context: RequestContext>(context: Context.Type = Context.self) -> SocketIOMiddleware<Context> {
        SocketIOMiddleware(server: self)
    }

    func isOwnPath(_ path: String) -> Bool {
        let own = configuration.normalizedPath
        return path == own || path + "/" == own || path.hasPrefix(own)
    }

    /// Answers one HTTP request on the server's path.
    func respond(to request: Request, remoteAddress: SocketAddress?, eventLoop: (any EventLoop)?) async -> Response {
        var headers = corsHeaders(for: request)
        if request.method == .options {
            headers[.accessControlAllowMethods] = "GET, POST"
            headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? "Content-Type"
            return Response(status: .noContent, headers: headers)
        }
        do {
            let parameters = try EngineIORequest(
                query: EngineIORequest.split(target: request.uri.description).query,
                method: request.method,
                isUpgrade: false
            )
            var response = try await respondPolling(to: request, parameters: parameters, remoteAddress: remoteAddress, eventLoop: eventLoop)
            for field in headers { response.headers.append(field) }
            return response
        } catch let error as EngineIORequestError {
            headers[.contentType] = "application/json"
            return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: error.body)))
        } catch {
            return Response(status: .internalServerError, headers: headers)
        }
    }

    private func corsHeaders(for request: Request) -> HTTPFields {
        var headers = HTTPFields()
        if let origin = request.headers[.origin] {
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlAllowCredentials] = "true"
            headers[.vary] = "Origin"
        } else {
            headers[.accessControlAllowOrigin] = "*"
        }
        return headers
    }

    private func respondPolling(
        to request: Request,
        parameters: EngineIORequest,
        remoteAddress: SocketAddress?,
        eventLoop: (any EventLoop)?
    ) async throws -> Response {
        guard let sessionID = parameters.sessionID else {
            guard parameters.transport == .polling else {
                throw EngineIORequestError(.badRequest, reason: "transport websocket without a WebSocket upgrade")
            }
            let connection = SocketIOHandshake.Connection(remoteAddress: remoteAddress, headers: request.headers, query: parameters.query)
            guard let session = openSession(transport: .polling, connection: connection, eventLoop: eventLoop) else {
                throw EngineIORequestError(.forbidden, reason: "session limit of \(configuration.maxSessions) reached")
            }
            return Self.textResponse(EngineIOPacket.encodePayload([session.openPacket(upgrades: ["websocket"])]))
        }
        guard let session = session(id: sessionID) else {
            throw EngineIORequestError(.unknownSessionID, reason: "sid \(sessionID)")
        }
        guard parameters.transport == .polling, session.currentTransport == .polling else {
            throw EngineIORequestError(.badRequest, reason: "transport \(parameters.transport) does not fit the session")
        }
        switch request.method {
        case .get:
            let outbound = await cancelWhenGracefulShutdown { await session.nextOutbound(for: .polling) }
            switch outbound {
            case .packets(let packets)?, .finish(let packets)?:
                return Self.textResponse(EngineIOPacket.encodePayload(packets))
            case .drop?:
                throw EngineIORequestError(.unknownSessionID, reason: "sid \(sessionID) was dropped")
            case nil:
                throw EngineIORequestError(.badRequest, reason: "poll does not fit the session state of \(sessionID)")
            }
        case .post:
            return try await receivePost(request, session: session)
        default:
            throw EngineIORequestError(.badRequest, reason: "method \(request.method) on a polling session")
        }
    }

    private func receivePost(_ request: Request, session: EngineIOSession) async throws -> Response {
        guard request.headers[.contentType] != "application/octet-stream" else {
            session.receiveMalformed()
            throw EngineIORequestError(.badRequest, reason: "binary POST body")
        }
        guard session.beginPost() else {
            throw EngineIORequestError(.badRequest, reason: "overlapping POST requests")
        }
        defer { session.endPost() }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maxPayload)
        } catch {
            return Response(status: .contentTooLarge)
        }
        let packets: [EngineIOPacket]
        do {
            packets = try EngineIOPacket.decodePayload(String(buffer: body))
        } catch {
            session.receiveMalformed()
            throw EngineIORequestError(.badRequest, reason: "\(error)")
        }
        await session.receive(packets, from: .polling)
        var response = Self.textResponse("ok")
        response.headers[.contentType] = "text/html"
        return response
    }

    private static func textResponse(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; charset=UTF-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}

extension EngineIOSession {
    /// The transport the session currently writes to.
    var currentTransport: EngineIOTransportID {
        locked { $0.engine.transport }
    }
}
