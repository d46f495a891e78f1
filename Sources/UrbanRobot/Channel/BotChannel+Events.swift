import Deployer
import Foundation
import Logging
import SocketIO

extension BotChannel {
    /// Registers the protocol's events on a new socket.
    func registerHandlers(on session: ChannelSession) {
        let socket = session.socket
        socket.on("identify") { [self] arguments, ack in await identify(session, arguments.first, ack: ack) }
        socket.on("ready") { [self] _, ack in
            ack?([])
            await report(session, "ready") { .ready($0) }
        }
        socket.on("health_check") { [self] arguments, ack in
            ack?([])
            guard let health = ChannelPayload.healthReport(in: arguments.first) else {
                logger.warning("malformed health_check ignored", metadata: ["client": "\(session.client.map { "\($0)" } ?? "?")"])
                return
            }
            await report(session, "health_check") { .healthReport($0, health) }
        }
        socket.on("coma") { [self] _, ack in
            ack?([])
            await report(session, "coma") { .comaConfirmed($0) }
        }
        socket.on("shutdown") { [self] arguments, ack in
            ack?([])
            let reason = ChannelPayload.reason(in: arguments.first)
            await report(session, "shutdown") { .shutdownAnnounced($0, reason: reason) }
        }
        socket.on("heartbeat") { arguments, ack in
            ack?([])
            session.heartbeat = HeartbeatStats.heartbeat(from: arguments.first, at: Date())
        }
        socket.onDisconnect { [self] _ in
            guard let detached = detach(session) else { return }
            await submit(.disconnected(detached.client))
            if detached.stoppedUnmanaged { await submit(.exited(detached.client, .code(0))) }
        }
    }

    private func identify(_ session: ChannelSession, _ payload: JSONValue?, ack: SocketIOAck?) async {
        if session.client == nil {
            guard let client = await authenticateAtIdentify(session, payload) else {
                ack?([ChannelPayload.unauthorized])
                session.socket.disconnect()
                return
            }
            logger.info("client authenticated at identify", metadata: ["client": "\(client)"])
        }
        ack?([ChannelPayload.identified])
        await report(session, "identify") { .identified($0) }
    }

    /// Credentials in `identify`, or an unmanaged loopback client under `allow_unmanaged`.
    private func authenticateAtIdentify(_ session: ChannelSession, _ payload: JSONValue?) async -> ClientID? {
        if let credentials = ChannelPayload.credentials(in: payload) {
            guard await admits(credentials) else { return nil }
            bind(session, to: credentials.client, unmanaged: false)
            return credentials.client
        }
        guard allowUnmanaged, session.socket.handshake.isLoopback else { return nil }
        guard let client = await admitsUnmanaged(instance: ChannelPayload.unmanagedInstance(in: payload)) else {
            return nil
        }
        bind(session, to: client, unmanaged: true)
        return client
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
