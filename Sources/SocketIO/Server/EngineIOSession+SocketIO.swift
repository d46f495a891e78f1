import FleetTypes
import NIOCore

extension EngineIOSession.Core {
    typealias Instant = ContinuousClock.Instant

    /// Carries out the Engine.IO state machine's effects; messages go through the Socket.IO layer.
    mutating func apply(
        _ effects: [EngineIOSessionStateMachine<Instant>.Effect],
        session: EngineIOSession,
        now: Instant,
        work: inout EngineIOSession.Work
    ) {
        for effect in effects {
            switch effect {
            case .resume(let transport, let outbound):
                if let webSocket = webSockets[transport] {
                    write(outbound, to: webSocket, transport: transport, session: session, now: now, work: &work)
                } else if let waiter = writers.removeValue(forKey: transport) {
                    work.writers.append((waiter, outbound))
                }
            case .deliver(let packet):
                receiveSocketIO(packet, session: session, now: now, work: &work)
            case .closed(let reason):
                finish(reason: reason, work: &work)
            }
        }
    }

    /// Writes to a WebSocket under the lock (frames keep their order), then asks for more.
    private mutating func write(
        _ outbound: EngineIOOutbound,
        to webSocket: WebSocketWriter,
        transport: EngineIOTransportID,
        session: EngineIOSession,
        now: Instant,
        work: inout EngineIOSession.Work
    ) {
        guard webSocket.write(outbound) else {
            // The client leaves its socket unread: close rather than buffer without bound.
            webSockets[transport] = nil
            webSocket.close()
            let effects = engine.close(reason: .transportError, kind: .silent, now: now)
            apply(effects, session: session, now: now, work: &work)
            return
        }
        guard case .packets = outbound else {
            webSockets[transport] = nil
            return
        }
        rearm(transport, session: session, now: now, work: &work)
    }

    /// Registers a WebSocket as waiting for output, or writes what is already queued.
    mutating func rearm(_ transport: EngineIOTransportID, session: EngineIOSession, now: Instant, work: inout EngineIOSession.Work) {
        guard let webSocket = webSockets[transport] else { return }
        let (result, effects) = engine.takeOutbound(for: transport, now: now)
        apply(effects, session: session, now: now, work: &work)
        if case .now(let outbound) = result {
            write(outbound, to: webSocket, transport: transport, session: session, now: now, work: &work)
        }
    }

    private mutating func finish(reason: DisconnectReason, work: inout EngineIOSession.Work) {
        for (ackID, pending) in socketIO.pendingAcks {
            work.acks.append((pending.continuation, .failure(SocketIOError(.disconnected, "the session ended (\(reason)) before ack \(ackID) arrived"))))
        }
        socketIO.pendingAcks.removeAll()
        socketIO.decoder.reset()
        socketIO.namespaces.removeAll()
        socketIO.connectDeadline = nil
        for (_, waiter) in writers { work.writers.append((waiter, .finish([]))) }
        writers.removeAll()
        for (_, webSocket) in webSockets { _ = webSocket.write(.finish([])) }
        webSockets.removeAll()
        work.backlogWaiter = backlogWaiter
        backlogWaiter = nil
        enqueueDispatch(.closed(reason), bounded: false, session: nil, now: nil, work: &work)
        dispatchClosed = true
        work.ended = reason
    }

    /// Closes the session because the client broke the Socket.IO protocol.
    private mutating func protocolViolation(session: EngineIOSession, now: Instant, work: inout EngineIOSession.Work) {
        let effects = engine.close(reason: .parseError, kind: .silent, now: now)
        apply(effects, session: session, now: now, work: &work)
    }

    private mutating func receiveSocketIO(
        _ message: EngineIOPacket,
        session: EngineIOSession,
        now: Instant,
        work: inout EngineIOSession.Work
    ) {
        let decoded: SocketIOPacket?
        do {
            switch message {
            case .message(let text): decoded = try socketIO.decoder.receive(text: text)
            case .binary(let bytes): decoded = try socketIO.decoder.receive(binary: bytes)
            default: return
            }
        } catch {
            protocolViolation(session: session, now: now, work: &work)
            return
        }
        guard let packet = decoded else { return }
        let namespace = packet.namespace
        switch packet.kind {
        case .connect:
            guard socketIO.namespaces[namespace] == nil else {
                protocolViolation(session: session, now: now, work: &work)
                return
            }
            guard session.namespaceExists(namespace) else {
                send(.connectError(namespace: namespace, message: "Invalid namespace"), session: session, now: now, work: &work)
                return
            }
            socketIO.namespaces[namespace] = .connecting
            enqueueDispatch(.connect(namespace: namespace, auth: packet.data), session: session, now: now, work: &work)
        case .disconnect:
            guard socketIO.namespaces.removeValue(forKey: namespace) != nil else {
                protocolViolation(session: session, now: now, work: &work)
                return
            }
            enqueueDispatch(.disconnect(namespace: namespace, reason: .clientNamespaceDisconnect), session: session, now: now, work: &work)
        case .event:
            guard socketIO.namespaces[namespace] != nil, case .array(let elements) = packet.data,
                case .string(let name) = elements.first
            else {
                protocolViolation(session: session, now: now, work: &work)
                return
            }
            let item = DispatchItem.event(namespace: namespace, name: name, arguments: Array(elements.dropFirst()), ackID: packet.ackID)
            enqueueDispatch(item, session: session, now: now, work: &work)
        case .ack:
            guard case .connected = socketIO.namespaces[namespace], case .array(let arguments) = packet.data else {
                protocolViolation(session: session, now: now, work: &work)
                return
            }
            if let ackID = packet.ackID, let pending = socketIO.pendingAcks[ackID], pending.namespace == namespace {
                socketIO.pendingAcks[ackID] = nil
                work.acks.append((pending.continuation, .success(arguments)))
            }
        case .connectError, .binaryEvent, .binaryAck:
            protocolViolation(session: session, now: now, work: &work)
        }
    }

    /// Queues a Socket.IO packet (text and attachments) for the client.
    /// - Returns: `false` when the session no longer accepts packets.
    @discardableResult
    mutating func send(_ packet: SocketIOPacket, session: EngineIOSession, now: Instant, work: inout EngineIOSession.Work) -> Bool {
        let (text, attachments) = packet.encoded()
        var packets: [EngineIOPacket] = [.message(text)]
        for attachment in attachments { packets.append(.binary(attachment)) }
        guard let effects = engine.send(packets, now: now) else { return false }
        apply(effects, session: session, now: now, work: &work)
        return !engine.isClosed
    }

    mutating func enqueueDispatch(
        _ item: DispatchItem,
        bounded: Bool = true,
        session: EngineIOSession?,
        now: Instant?,
        work: inout EngineIOSession.Work
    ) {
        guard !dispatchClosed else { return }
        if let waiter = dispatchWaiter {
            dispatchWaiter = nil
            work.dispatcher = (waiter, item)
            return
        }
        dispatch.append(item)
        if bounded, dispatch.count > 8 * (session?.configuration.maxQueuedPackets ?? Int.max / 8), let session, let now {
            // Readers pause above maxQueuedPackets; one huge payload of tiny packets can still
            // overrun that: close rather than buffer without bound.
            let effects = engine.close(reason: .transportError, kind: .silent, now: now)
            apply(effects, session: session, now: now, work: &work)
        }
    }
}

extension SocketIOPacket {
    /// A CONNECT_ERROR with `{"message": ...}`.
    static func connectError(namespace: String, message: String) -> SocketIOPacket {
        SocketIOPacket(kind: .connectError, namespace: namespace, data: ["message": .string(message)])
    }
}
