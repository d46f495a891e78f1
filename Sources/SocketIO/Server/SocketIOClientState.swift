import FleetTypes

/// The Socket.IO side of one Engine.IO session: the packet decoder, which namespaces the client
/// joined, the acks the server awaits, and the connect deadline.
struct SocketIOClientState: Sendable {
    enum NamespaceState: Sendable, Equatable {
        /// CONNECT received; the auth hook runs
        case connecting
        /// CONNECT answered; the socket has this id
        case connected(socketID: String)
    }

    struct PendingAck: Sendable {
        let namespace: String
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<[JSONValue], any Error>
    }

    var decoder: SocketIOPacketDecoder
    var namespaces: [String: NamespaceState] = [:]
    /// Set until the session is authenticated (see ``SocketIOServer/Configuration/connectTimeout``).
    var connectDeadline: ContinuousClock.Instant?
    var pendingAcks: [Int: PendingAck] = [:]
    var nextAckID = 0

    init(maxAttachments: Int, maxAttachmentBytes: Int, connectDeadline: ContinuousClock.Instant) {
        self.decoder = SocketIOPacketDecoder(maxAttachments: maxAttachments, maxAttachmentBytes: maxAttachmentBytes)
        self.connectDeadline = connectDeadline
    }

    func isConnected(namespace: String, socketID: String) -> Bool {
        namespaces[namespace] == .connected(socketID: socketID)
    }
}

/// Work for the session's dispatcher task, in arrival order.
enum DispatchItem: Sendable {
    case connect(namespace: String, auth: JSONValue?)
    case event(namespace: String, name: String, arguments: [JSONValue], ackID: Int?)
    case disconnect(namespace: String, reason: DisconnectReason)
    case closed(DisconnectReason)
}
