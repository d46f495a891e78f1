import AdminAPI
import Deployer
import FleetTypes
import Logging
import ServiceLifecycle
import SocketIO
import Synchronization

/// The channel of PROTOCOL.md on the Socket.IO namespace `/`: authenticates launched clients (CONNECT auth, or
/// the fields of `identify`), admits unmanaged loopback clients under `allow_unmanaged`, turns their events into
/// ``DeployerEvent``s, and sends the engine's `hello` and `cmd`s (adding the Discord token where the protocol
/// puts it, and nowhere else).
final class BotChannel: Sendable {
    private struct State {
        /// Clients admitted at CONNECT, by Engine.IO session id, until their socket is handed over.
        var admittedAtConnect: [String: ChannelPayload.Credentials] = [:]
        /// The current socket of each authenticated client.
        var sessions: [ClientID: ChannelSession] = [:]
        /// Numbers the unmanaged clients' ids.
        var unmanagedLaunches = 0
        /// The key hashes of the launches whose process lives (launched or adopted), by client: a CONNECT that
        /// presents one of them is vouched for (``SocketIOServer/vouch(forSession:)``) while the engine decides.
        var issuedKeys: [ClientID: KeyHash] = [:]
    }

    let driver: DriverReference
    let token: String
    let allowUnmanaged: Bool
    let heartbeatInterval: Int
    let logger: Logger
    /// Reports refused connections and shed sessions to the engine and the log, rate-limited.
    let refusals: RefusalReporter
    private let state = Mutex(State())

    /// A channel reporting to `driver`, handing `token` to authenticated clients only; `work` runs its reports.
    init(driver: DriverReference, token: String, allowUnmanaged: Bool, heartbeatInterval: Int, work: DaemonWork, logger: Logger) {
        self.driver = driver
        self.token = token
        self.allowUnmanaged = allowUnmanaged
        self.heartbeatInterval = heartbeatInterval
        self.logger = logger
        refusals = RefusalReporter(driver: driver, work: work, logger: logger)
    }

    /// Installs the authentication hook and the event handlers on the server's namespace `/`, and reports the
    /// server's shedding. A socket without credentials at CONNECT stays unauthenticated until its `identify`
    /// brings them; the server closes its session at its connect timeout (the daemon's `health.identify_timeout`).
    func install(on server: SocketIOServer) {
        let namespace = server.namespace("/")
        namespace.authenticate { [self, weak server] handshake in
            if let credentials = ChannelPayload.credentials(in: handshake.auth), holdsIssuedKey(credentials) {
                server?.vouch(forSession: handshake.sessionID)
            }
            return await authenticate(handshake)
        }
        namespace.onConnect { [self] socket in attach(socket) }
        server.onSessionRefusal { [refusals] refusal in
            refusals.record(ConnectionRefusal(cause: .shedding, client: nil, peer: refusal.peer, why: refusal.description))
        }
    }

    /// Notes the key of a launch (or, for an adopted process, its hash), so that the client's CONNECT is vouched
    /// for: the daemon's own bots, however many connect from one address at once, are never shed by the
    /// unauthenticated-session limits while the engine authorizes them, and a peer without an issued key cannot
    /// take their place in the count.
    func issued(_ keyHash: KeyHash, to client: ClientID) {
        state.withLock { $0.issuedKeys[client] = keyHash }
    }

    /// Forgets the issued keys of clients whose process exited.
    func forgetIssuedKeys(of clients: [ClientID]) {
        state.withLock { state in
            for client in clients { state.issuedKeys[client] = nil }
        }
    }

    /// Whether `credentials` present the issued key of their client (its CONNECT is then vouched for).
    func holdsIssuedKey(_ credentials: ChannelPayload.Credentials) -> Bool {
        state.withLock { $0.issuedKeys[credentials.client] }?.matches(credentials.key) ?? false
    }

    /// How many clients hold an authenticated socket.
    var sessionCount: Int { state.withLock { $0.sessions.count } }

    /// The latest `heartbeat` of `client`, if it sent one over its current socket.
    func heartbeat(of client: ClientID) -> StatusSnapshot.Heartbeat? { session(of: client)?.heartbeat }

    /// Sends `hello`.
    func hello(_ client: ClientID, processCommands: Bool) {
        if processCommands { session(of: client)?.commanded(processing: true) }
        emit("hello", ChannelPayload.hello(
            token: token, processCommands: processCommands, client: client, heartbeatInterval: heartbeatInterval),
            to: client)
    }

    /// Sends `cmd`, noting a `coma` or `process_commands` on the client's session first.
    func send(_ command: ClientCommand, to client: ClientID) {
        switch command {
        case .coma: session(of: client)?.commanded(processing: false)
        case .processCommands: session(of: client)?.commanded(processing: true)
        case .ok, .healthCheck, .shutdown: break
        }
        emit("cmd", ChannelPayload.command(command, token: token), to: client)
    }

    /// Whether `client` is an unmanaged one (no process of ours).
    func isUnmanaged(_ client: ClientID) -> Bool {
        state.withLock { $0.sessions[client]?.isUnmanaged ?? false }
    }

    /// Whether `client` is idle by its own word: on its current socket it confirmed the `coma` it was last told
    /// (see ``ChannelSession/isIdle``). When it is, when it gets `shutdown` does not matter to anyone it serves.
    func isIdle(_ client: ClientID) -> Bool {
        session(of: client)?.isIdle ?? false
    }

    /// Whether `client` holds a socket now (a `cmd shutdown` can reach it).
    func hasSocket(_ client: ClientID) -> Bool {
        session(of: client) != nil
    }

    /// Stops an unmanaged client: disconnects its socket; its closing is reported as its exit.
    /// - Returns: false when it has no socket left (the caller reports the exit itself).
    func stopUnmanaged(_ client: ClientID) -> Bool {
        guard let session = session(of: client) else { return false }
        session.socket.disconnect()
        return true
    }

    private func session(of client: ClientID) -> ChannelSession? {
        state.withLock { $0.sessions[client] }
    }

    private func emit(_ event: String, _ payload: JSONValue, to client: ClientID) {
        guard let session = session(of: client) else {
            logger.debug("no socket to send to", metadata: ["client": "\(client)", "event": "\(event)"])
            return
        }
        do {
            try session.socket.emit(event, [payload])
        } catch {
            logger.debug("send failed", metadata: ["client": "\(client)", "event": "\(event)", "error": "\(error)"])
        }
    }

    private func authenticate(_ handshake: SocketIOHandshake) async -> SocketIOAuthDecision {
        guard let credentials = ChannelPayload.credentials(in: handshake.auth) else {
            // Credentials may come with `identify`, or the client is unmanaged: decided there.
            return .acceptUnauthenticated
        }
        switch await admission(of: credentials) {
        case .admitted:
            state.withLock { $0.admittedAtConnect[handshake.sessionID] = credentials }
            return .accept
        case .refused(let reason):
            refuse(peer: handshake.peer, client: credentials.client, why: Self.refusedCredentials(credentials, reason, at: "CONNECT auth"))
            return .refuse(message: ChannelPayload.refusedMessage)
        case .unavailable:
            return .refuse(message: ChannelPayload.unavailableMessage)
        }
    }

    /// Why the engine refused credentials: its reason (`unknown client id` or `wrong key`), the client, where.
    static func refusedCredentials(_ credentials: ChannelPayload.Credentials, _ reason: String, at place: String) -> String {
        "\(reason) \(reason == "wrong key" ? "for " : "")\(credentials.client) in the \(place)"
    }

    /// Reports a connection refused for its credentials (a WARNING and an engine event, rate-limited).
    func refuse(peer: String, client: ClientID?, why: String) {
        refusals.record(ConnectionRefusal(cause: .credentials, client: client, peer: peer, why: why))
    }

    /// What the engine said to credentials.
    enum Admission {
        case admitted
        /// Refused, with the engine's reason (`unknown client id`, `wrong key`).
        case refused(reason: String)
        /// The engine could not take the event (not started yet, or its store failing): no verdict on the
        /// credentials, so the client is not told they are wrong.
        case unavailable
    }

    /// Submits the credentials to the engine.
    func admission(of credentials: ChannelPayload.Credentials) async -> Admission {
        do {
            switch try await driver.submit(.connect(credentials.client, key: credentials.key)).reply {
            case .admitted: return .admitted
            case .refused(let reason, _): return .refused(reason: reason)
            case .noted, .accepted, .existing, .nothingToDo, .performed, .ignored: return .refused(reason: "refused")
            }
        } catch {
            logger.error("could not record a connect", metadata: ["client": "\(credentials.client)", "error": "\(error)"])
            return .unavailable
        }
    }

    /// Submits an unmanaged client for `instance`; its id when the engine admitted it.
    func admitsUnmanaged(instance: Int) async -> ClientID? {
        let launch = state.withLock { state -> Int in
            state.unmanagedLaunches += 1
            return state.unmanagedLaunches
        }
        let client = ClientID(rawValue: "unmanaged-\(instance).\(launch)")
        do {
            return try await driver.submit(.unmanagedConnected(client, instance: instance)).reply == .admitted ? client : nil
        } catch {
            logger.error("could not record an unmanaged client", metadata: ["client": "\(client)", "error": "\(error)"])
            return nil
        }
    }

    /// Makes `session` the socket of `client` (its Engine.IO session authenticated), closing an older socket of
    /// the same client.
    func bind(_ session: ChannelSession, to client: ClientID, unmanaged: Bool, key: String?) {
        session.bind(client, unmanaged: unmanaged, key: key)
        session.socket.markAuthenticated()
        let older = state.withLock { state -> ChannelSession? in
            defer { state.sessions[client] = session }
            return state.sessions[client]
        }
        if let older, older !== session { older.socket.disconnect() }
    }

    private func attach(_ socket: SocketIOSocket) {
        let credentials = state.withLock { $0.admittedAtConnect.removeValue(forKey: socket.sessionID) }
        let session = ChannelSession(socket: socket, client: nil)
        if let credentials { bind(session, to: credentials.client, unmanaged: false, key: credentials.key) }
        registerHandlers(on: session)
    }

    /// `value` without the Discord token and the key `session` presented (``ChannelRedaction``).
    func redacted(_ value: JSONValue?, for session: ChannelSession) -> JSONValue? {
        value.map { ChannelRedaction.redact($0, secrets: [token, session.presentedKey].compactMap { $0 }) }
    }

    /// Forgets `session` when it is still its client's socket; returns that client.
    func detach(_ session: ChannelSession) -> ClientID? {
        guard let client = session.client else { return nil }
        return state.withLock { state in
            guard state.sessions[client] === session else { return nil }
            state.sessions[client] = nil
            return client
        }
    }
}
