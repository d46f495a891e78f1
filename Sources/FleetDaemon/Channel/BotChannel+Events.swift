import Deployer
import FleetTypes
import Foundation
import Logging
import SocketIO
import Supervisor

extension BotChannel {
    /// Registers the protocol's events on a new socket. What the bot sends is redacted (``redacted(_:for:)``)
    /// before it is kept, reported or logged; only `identify` reads the key it presents.
    func registerHandlers(on session: ChannelSession) {
        let socket = session.socket
        socket.on("identify") { [self] arguments, ack in await identify(session, arguments.first, ack: ack) }
        socket.on("ready") { [self] _, ack in
            ack?([])
            await report(session, "ready") { .ready($0) }
        }
        socket.on("health_check") { [self] arguments, ack in
            ack?([])
            guard let health = ChannelPayload.healthReport(in: redacted(arguments.first, for: session)) else {
                logger.warning("malformed health_check ignored", metadata: ["client": "\(session.client.map { "\($0)" } ?? "?")"])
                return
            }
            await report(session, "health_check") { .healthReport($0, health) }
        }
        socket.on("coma") { [self] _, ack in
            ack?([])
            session.confirmedComa()
            await report(session, "coma") { .comaConfirmed($0) }
        }
        socket.on("shutdown") { [self] arguments, ack in
            ack?([])
            let reason = ChannelPayload.reason(in: redacted(arguments.first, for: session))
            await report(session, "shutdown") { .shutdownAnnounced($0, reason: reason) }
        }
        socket.on("heartbeat") { [self] arguments, ack in
            ack?([])
            session.heartbeat = HeartbeatStats.heartbeat(from: redacted(arguments.first, for: session), at: Date())
        }
        socket.onDisconnect { [self] _ in
            guard let client = detach(session) else { return }
            await submit(.disconnected(client))
            // An unmanaged client has no process of ours: its socket closing (asked to stop or not) is its exit.
            if session.isUnmanaged { await submit(.exited(client, .exited(code: 0))) }
        }
    }

    private func identify(_ session: ChannelSession, _ payload: JSONValue?, ack: SocketIOAck?) async {
        if session.client == nil {
            switch await authenticateAtIdentify(session, payload) {
            case .success(let client):
                logger.info("client authenticated at identify", metadata: ["client": "\(client)"])
            case .failure(let refusal):
                refuse(peer: session.socket.handshake.peer, client: refusal.client, why: refusal.why)
                ack?([ChannelPayload.unauthorized])
                session.socket.disconnect(closingSession: true)
                return
            }
        }
        ack?([ChannelPayload.identified])
        await report(session, "identify") { .identified($0) }
    }

    /// Why `identify` could not authenticate a socket: the client it claimed, if any, and the particulars.
    struct IdentifyRefusal: Error {
        var client: ClientID?
        var why: String
    }

    /// Credentials in `identify`, or an unmanaged loopback client under `allow_unmanaged`.
    private func authenticateAtIdentify(_ session: ChannelSession, _ payload: JSONValue?) async -> Result<ClientID, IdentifyRefusal> {
        if let credentials = ChannelPayload.credentials(in: payload) {
            switch await admission(of: credentials) {
            case .admitted:
                bind(session, to: credentials.client, unmanaged: false, key: credentials.key)
                return .success(credentials.client)
            case .refused(let reason):
                return .failure(IdentifyRefusal(client: credentials.client, why: Self.refusedCredentials(credentials, reason, at: "identify")))
            case .unavailable:
                return .failure(IdentifyRefusal(client: credentials.client, why: "the engine could not take the identify of \(credentials.client)"))
            }
        }
        guard allowUnmanaged, session.socket.handshake.isLoopback else {
            return .failure(IdentifyRefusal(client: nil, why: ChannelPayload.missingCredentials))
        }
        let instance = ChannelPayload.unmanagedInstance(in: payload)
        guard let client = await admitsUnmanaged(instance: instance) else {
            return .failure(IdentifyRefusal(client: nil, why: "unmanaged client for instance \(instance) refused (missing or busy)"))
        }
        bind(session, to: client, unmanaged: true, key: nil)
        return .success(client)
    }

    private func report(_ session: ChannelSession, _ event: String, _ make: (ClientID) -> DeployerEvent) async {
        guard let client = session.client else {
            logger.debug("event from an unauthenticated socket ignored", metadata: ["event": "\(event)"])
            return
        }
        await submit(make(client))
    }

    private func submit(_ event: DeployerEvent) async {
        do {
            _ = try await driver.submit(event)
        } catch {
            logger.error("could not record a channel event", metadata: ["error": "\(error)"])
        }
    }
}
