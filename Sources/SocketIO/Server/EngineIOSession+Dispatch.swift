import DequeModule
import FleetTypes
import Synchronization

extension EngineIOSession {
    /// The dispatcher's next work item; `nil` once the session ended and everything was handed out.
    func nextDispatchItem() async -> DispatchItem? {
        await withCheckedContinuation { (continuation: CheckedContinuation<DispatchItem?, Never>) in
            var resumeReader: (@Sendable () -> Void)?
            let immediate: DispatchItem?? = locked { core in
                if let item = core.dispatch.popFirst() {
                    if core.dispatch.count <= configuration.maxQueuedPackets / 2 {
                        resumeReader = core.backlogWaiter
                        core.backlogWaiter = nil
                    }
                    return .some(item)
                }
                if core.dispatchClosed { return .some(nil) }
                core.dispatchWaiter = continuation
                return nil
            }
            resumeReader?()
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Answers a CONNECT with `{"sid": ...}` and marks the namespace connected, and the session authenticated
    /// when `authenticates`.
    /// - Returns: `false` when the session ended meanwhile.
    func acceptConnect(namespace: String, socketID: String, authenticates: Bool) -> Bool {
        let now = Instant.now
        let accepted = withCore { core, work in
            guard core.socketIO.namespaces[namespace] == .connecting else { return false }
            core.socketIO.namespaces[namespace] = .connected(socketID: socketID)
            let packet = SocketIOPacket(kind: .connect, namespace: namespace, data: ["sid": .string(socketID)])
            return core.send(packet, session: self, now: now, work: &work)
        }
        if accepted, authenticates { markAuthenticated() }
        return accepted
    }

    /// Answers a CONNECT with CONNECT_ERROR `{"message": ...}`.
    func refuseConnect(namespace: String, message: String) {
        let now = Instant.now
        withCore { core, work in
            guard core.socketIO.namespaces[namespace] == .connecting else { return }
            core.socketIO.namespaces[namespace] = nil
            core.send(.connectError(namespace: namespace, message: message), session: self, now: now, work: &work)
        }
    }

    /// Sends a packet for the socket `socketID`.
    /// - Throws: ``SocketIOError`` when the socket is no longer connected or the session ended.
    func send(_ packet: SocketIOPacket, socketID: String) throws(SocketIOError) {
        let now = Instant.now
        let sent = withCore { core, work in
            guard core.socketIO.isConnected(namespace: packet.namespace, socketID: socketID) else { return false }
            return core.send(packet, session: self, now: now, work: &work)
        }
        guard sent else {
            throw SocketIOError(.disconnected, "socket \(socketID) in namespace \(packet.namespace) is not connected")
        }
    }

    /// Sends an event with an ack id and waits for the client's ACK.
    func sendWithAck(
        namespace: String,
        event: [JSONValue],
        socketID: String,
        timeout: Duration
    ) async throws -> [JSONValue] {
        let ackID: Int? = locked { core in
            guard core.socketIO.isConnected(namespace: namespace, socketID: socketID) else { return nil }
            let id = core.socketIO.nextAckID
            core.socketIO.nextAckID += 1
            return id
        }
        guard let ackID else {
            throw SocketIOError(.disconnected, "socket \(socketID) in namespace \(namespace) is not connected")
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[JSONValue], any Error>) in
                let now = Instant.now
                let refusal: SocketIOError? = withCore { core, work in
                    guard !Task.isCancelled else { return SocketIOError(.cancelled, "emit with ack \(ackID) was cancelled") }
                    guard core.socketIO.isConnected(namespace: namespace, socketID: socketID) else {
                        return SocketIOError(.disconnected, "socket \(socketID) in namespace \(namespace) is not connected")
                    }
                    core.socketIO.pendingAcks[ackID] = .init(
                        namespace: namespace,
                        deadline: now.advanced(by: timeout),
                        continuation: continuation
                    )
                    let packet = SocketIOPacket(kind: .event, namespace: namespace, ackID: ackID, data: .array(event))
                    core.send(packet, session: self, now: now, work: &work)
                    return nil
                }
                if let refusal { continuation.resume(throwing: refusal) }
            }
        } onCancel: {
            let pending = locked { $0.socketIO.pendingAcks.removeValue(forKey: ackID) }
            pending?.continuation.resume(throwing: SocketIOError(.cancelled, "emit with ack \(ackID) was cancelled"))
        }
    }

    /// Server-side DISCONNECT of one socket; the session stays open.
    /// - Returns: `false` when the socket was not connected.
    @discardableResult
    func disconnect(namespace: String, socketID: String) -> Bool {
        let now = Instant.now
        return withCore { core, work in
            guard core.socketIO.isConnected(namespace: namespace, socketID: socketID) else { return false }
            core.socketIO.namespaces[namespace] = nil
            core.send(SocketIOPacket(kind: .disconnect, namespace: namespace), session: self, now: now, work: &work)
            core.enqueueDispatch(
                .disconnect(namespace: namespace, reason: .serverNamespaceDisconnect),
                bounded: false,
                session: self,
                now: now,
                work: &work
            )
            return true
        }
    }
}
