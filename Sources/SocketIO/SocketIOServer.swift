import FleetTypes
public import Logging
import NIOCore
public import ServiceLifecycle
import Synchronization

/// A Socket.IO v5 server over Engine.IO v4 (HTTP long-polling on Hummingbird 2, WebSocket in
/// the SwiftNIO pipeline).
///
/// Add the server to your application's services (it runs the heartbeat ticker and one
/// dispatcher task per session), route HTTP requests through ``middleware()`` and build the
/// application's server with ``httpServerBuilder(http1:)`` (it serves the WebSocket upgrades), or let
/// ``application(configuration:services:onServerRunning:logger:)`` do all of that:
///
/// ```swift
/// let server = SocketIOServer(configuration: .init(
///     pingInterval: .seconds(25), pingTimeout: .seconds(20), maxPayload: 1_000_000, connectTimeout: .seconds(45)))
/// server.namespace("/").authenticate { handshake in
///     handshake.isLoopback ? .accept : .refuse(message: "unauthorized")
/// }
/// server.namespace("/").onConnect { socket in
///     socket.on("identify") { arguments, ack in
///         ack?([["ok": true]])
///     }
///     socket.onDisconnect { reason in print("\(socket.id) left: \(reason)") }
///     try? socket.emit("hello", [["token": "..."]])
///     let answer = try? await socket.emitWithAck("ping", [], timeout: .seconds(5))
/// }
/// let app = server.application(configuration: .init(address: .hostname("127.0.0.1", port: 3000)))
/// try await app.runService()
/// ```
///
/// Event handlers of one client run one after another in the session's dispatcher task, so a
/// handler may await ``SocketIOSocket/emitWithAck(_:_:timeout:)`` on the same client. That task
/// runs on the event loop of the connection that opened the session (a round trip stays on one
/// thread), so handlers must not block: await, never wait.
public final class SocketIOServer: Service, Sendable {
    /// The namespaces and sessions.
    private struct State: Sendable {
        var namespaces: [String: SocketIONamespace] = [:]
        var sessions: [String: EngineIOSession] = [:]
        var unauthenticated = UnauthenticatedSessions()
        var refusalObservers: [@Sendable (SocketIOSessionRefusal) -> Void] = []
        var isShuttingDown = false
    }

    /// What a handshake gets.
    private enum Admission {
        case opened(shed: (session: EngineIOSession, limit: SocketIOSessionRefusal.Limit)?)
        case refused(SocketIOSessionRefusal.Limit)
        case shuttingDown
    }

    /// The server's settings
    public let configuration: Configuration
    /// The logger for session events
    public let logger: Logger
    private let state = Mutex(State())
    private let newSessions: AsyncStream<EngineIOSession>
    private let newSessionsContinuation: AsyncStream<EngineIOSession>.Continuation

    /// Creates a server with the namespace `/`.
    /// - Parameters:
    ///   - configuration: The server's settings
    ///   - logger: The logger for session events
    public init(configuration: Configuration = .init(), logger: Logger = Logger(label: "SocketIO")) {
        self.configuration = configuration
        self.logger = logger
        (newSessions, newSessionsContinuation) = AsyncStream.makeStream()
        state.withLock { $0.namespaces["/"] = SocketIONamespace(name: "/") }
    }

    /// The namespace with this name, created on first use. Clients can connect only to
    /// namespaces that exist; others get CONNECT_ERROR `{"message":"Invalid namespace"}`.
    /// - Parameter name: The name, starting with `/`
    public func namespace(_ name: String) -> SocketIONamespace {
        state.withLock { state in
            if let namespace = state.namespaces[name] { return namespace }
            let namespace = SocketIONamespace(name: name)
            state.namespaces[name] = namespace
            return namespace
        }
    }

    /// The number of open Engine.IO sessions.
    public var sessionCount: Int {
        state.withLock { $0.sessions.count }
    }

    /// The number of open Engine.IO sessions that have not authenticated yet.
    public var unauthenticatedSessionCount: Int {
        state.withLock { $0.unauthenticated.count }
    }

    /// Adds an observer of the handshakes refused and the sessions shed because of a session limit. It is
    /// called on the thread of the handshake, for every one: keep it short, never block, aggregate floods.
    public func onSessionRefusal(_ observer: @escaping @Sendable (SocketIOSessionRefusal) -> Void) {
        state.withLock { $0.refusalObservers.append(observer) }
    }

    /// Runs the heartbeat ticker and the session dispatchers until graceful shutdown, then
    /// closes every session.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { outer in
                outer.addTask { await self.runTicker() }
                await withDiscardingTaskGroup { dispatchers in
                    for await session in newSessions {
                        dispatchers.addTask(executorPreference: session.dispatchExecutor) {
                            await self.runDispatcher(for: session)
                        }
                    }
                    // The stream ends on shutdown or cancellation; either way, end every session
                    // so that the dispatchers return.
                    self.shutdown()
                }
                outer.cancelAll()
            }
        } onGracefulShutdown: {
            self.shutdown()
        }
    }

    /// Stops accepting sessions and closes every open one.
    public func shutdown() {
        let sessions = state.withLock { state in
            state.isShuttingDown = true
            return Array(state.sessions.values)
        }
        newSessionsContinuation.finish()
        for session in sessions {
            session.close(reason: .serverShuttingDown, kind: .silent)
        }
    }

    /// Every ``Configuration/tickInterval``, ticks the sessions whose deadlines have come
    /// (``EngineIOSession/isDue(at:)``); the others are not touched.
    private func runTicker() async {
        let interval = configuration.tickInterval
        while true {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let now = ContinuousClock.now
            let moment = SessionDueTime.nanoseconds(now)
            let due = state.withLock { $0.sessions.values.filter { $0.isDue(at: moment) } }
            for session in due { session.tick(now: now) }
        }
    }

    // MARK: Sessions

    /// Opens a session, unauthenticated, or returns `nil` when every session is authenticated and the limit is
    /// reached, or the server stops. At an unauthenticated limit the oldest unauthenticated session (of the
    /// same peer address, for the per-address limit) is closed to make room.
    /// - Parameter eventLoop: The event loop of the opening connection, where the session's
    ///   handlers run; `nil` for the global executor
    func openSession(
        transport: EngineIOTransportID,
        connection: SocketIOHandshake.Connection,
        eventLoop: (any EventLoop)?
    ) -> EngineIOSession? {
        let session = EngineIOSession(
            id: Self.makeID(),
            transport: transport,
            connectionInfo: connection,
            configuration: configuration,
            now: .now,
            dispatchExecutor: eventLoop.map { EventLoopTaskExecutor(eventLoop: $0) },
            namespaceExists: { [weak self] name in self?.hasNamespace(name) ?? false },
            onAuthenticated: { [weak self] session in self?.sessionAuthenticated(session) },
            onEnded: { [weak self] session, reason in self?.sessionEnded(session, reason: reason) }
        )
        let address = connection.peer
        let (admission, observers) = state.withLock { state in
            (admit(session, address: address, state: &state), state.refusalObservers)
        }
        switch admission {
        case .shuttingDown:
            return nil
        case .refused(let limit):
            let refusal = SocketIOSessionRefusal(action: .refused, limit: limit, remoteAddress: connection.remoteAddress)
            logger.debug("Engine.IO handshake refused", metadata: ["peer": "\(refusal.peer)", "limit": "\(limit)"])
            for observer in observers { observer(refusal) }
            return nil
        case .opened(let shed):
            if let (victim, limit) = shed {
                // At once (a pending GET gets the close packet): it left the server's table, so no tick would
                // end a session that lingers in its closing phase.
                victim.close(reason: .forcedClose, kind: .silent)
                let refusal = SocketIOSessionRefusal(action: .shed, limit: limit, remoteAddress: victim.connectionInfo.remoteAddress)
                logger.debug("unauthenticated Engine.IO session shed", metadata: ["sid": "\(victim.id)", "limit": "\(limit)"])
                for observer in observers { observer(refusal) }
            }
            newSessionsContinuation.yield(session)
            logger.debug("Engine.IO session opened", metadata: ["sid": "\(session.id)"])
            return session
        }
    }

    /// Registers `session` as unauthenticated, making room first when a limit is reached.
    private func admit(_ session: EngineIOSession, address: String, state: inout State) -> Admission {
        guard !state.isShuttingDown else { return .shuttingDown }
        let limit: SocketIOSessionRefusal.Limit? =
            if state.unauthenticated.count(of: address) >= configuration.maxUnauthenticatedSessionsPerAddress {
                .unauthenticatedSessionsPerAddress
            } else if state.unauthenticated.count >= configuration.maxUnauthenticatedSessions {
                .unauthenticatedSessions
            } else if state.sessions.count >= configuration.maxSessions {
                .sessions
            } else {
                nil
            }
        var shed: (session: EngineIOSession, limit: SocketIOSessionRefusal.Limit)?
        if let limit {
            let victimAddress = limit == .unauthenticatedSessionsPerAddress ? address : nil
            guard let victimID = state.unauthenticated.oldest(of: victimAddress) else { return .refused(limit) }
            state.unauthenticated.remove(victimID)
            if let victim = state.sessions.removeValue(forKey: victimID) { shed = (victim, limit) }
        }
        state.sessions[session.id] = session
        state.unauthenticated.insert(session.id, address: address)
        return .opened(shed: shed)
    }

    func session(id: String) -> EngineIOSession? {
        state.withLock { $0.sessions[id] }
    }

    private func hasNamespace(_ name: String) -> Bool {
        state.withLock { $0.namespaces[name] != nil }
    }

    /// The application recognised the credentials that session `id` presented at CONNECT and is authorizing them
    /// (an asynchronous check): the session leaves the unauthenticated sessions, so that it is neither shed nor
    /// counted for the unauthenticated limits while it waits for the verdict; the connect timeout still closes it
    /// unless it is authenticated by then. Vouch only for credentials a peer cannot make up (a secret the
    /// application issued): the limits are what protects the server from sessions that have none.
    public func vouch(forSession id: String) {
        state.withLock { _ = $0.unauthenticated.remove(id) }
    }

    private func sessionAuthenticated(_ session: EngineIOSession) {
        state.withLock { _ = $0.unauthenticated.remove(session.id) }
    }

    private func sessionEnded(_ session: EngineIOSession, reason: DisconnectReason) {
        state.withLock { state in
            state.sessions.removeValue(forKey: session.id)
            state.unauthenticated.remove(session.id)
        }
        logger.debug("Engine.IO session closed", metadata: ["sid": "\(session.id)", "reason": "\(reason)"])
    }

    /// A random id: 120 random bits as 20 characters of URL-safe base64, drawn from two 64-bit words (two
    /// `getrandom` calls; one per character cost 20 system calls a session and 20 more for its socket).
    static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        let words: [UInt64] = [generator.next(), generator.next()]
        var characters: [UInt8] = []
        characters.reserveCapacity(20)
        for word in words {
            for group in 0..<10 { characters.append(idAlphabet[Int(truncatingIfNeeded: (word >> (6 * group)) & 63)]) }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The 64 characters of URL-safe base64, by value.
    private static let idAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    // MARK: Dispatch

    private func runDispatcher(for session: EngineIOSession) async {
        var sockets: [String: SocketIOSocket] = [:]
        while let item = await session.nextDispatchItem() {
            switch item {
            case .connect(let name, let auth):
                guard let namespace = state.withLock({ $0.namespaces[name] }) else {
                    session.refuseConnect(namespace: name, message: "Invalid namespace")
                    continue
                }
                let handshake = SocketIOHandshake(
                    namespace: name,
                    auth: auth ?? .object([]),
                    sessionID: session.id,
                    connection: session.connectionInfo
                )
                let decision = await namespace.authenticate(handshake)
                if case .refuse(let message) = decision {
                    session.refuseConnect(namespace: name, message: message)
                    continue
                }
                let socket = SocketIOSocket(id: Self.makeID(), namespace: name, handshake: handshake, session: session)
                guard session.acceptConnect(namespace: name, socketID: socket.id, authenticates: decision == .accept)
                else { continue }
                sockets[name] = socket
                await namespace.connected(socket)
            case .event(let name, let event, let arguments, let ackID):
                await sockets[name]?.handle(event: event, arguments: arguments, ackID: ackID)
            case .disconnect(let name, let reason):
                if let socket = sockets.removeValue(forKey: name) {
                    await disconnected(socket, reason: reason)
                }
            case .closed(let reason):
                for socket in sockets.values { await disconnected(socket, reason: reason) }
                sockets.removeAll()
            }
        }
    }

    private func disconnected(_ socket: SocketIOSocket, reason: DisconnectReason) async {
        state.withLock { $0.namespaces[socket.namespace] }?.removed(socket)
        await socket.didDisconnect(reason: reason)
    }
}
