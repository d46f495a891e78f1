public import FleetTypes

/// One Socket.IO v5 packet: `<type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]`.
///
/// Binary data inside ``data`` is carried as ``JSONValue/binary(_:)``; ``encoded()`` turns it into
/// placeholders and attachments, and ``SocketIOPacketDecoder`` puts attachments back in place.
public struct SocketIOPacket: Sendable, Hashable {
    /// The packet type.
    public enum Kind: UInt8, Sendable, Hashable {
        /// `0` connect to a namespace (client) / connection accepted (server)
        case connect = 0
        /// `1` leave a namespace
        case disconnect = 1
        /// `2` an event
        case event = 2
        /// `3` the answer to an event that carried an ack id
        case ack = 3
        /// `4` connection to a namespace refused
        case connectError = 4
        /// `5` an event with binary attachments
        case binaryEvent = 5
        /// `6` an ack with binary attachments
        case binaryAck = 6
    }

    /// Event names the protocol reserves; an EVENT may not use them.
    public static let reservedEventNames: Set<String> = [
        "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
    ]

    /// The packet type
    public var kind: Kind
    /// The namespace, `/` by default
    public var namespace: String
    /// The acknowledgement id, if any
    public var ackID: Int?
    /// The payload, if any
    public var data: JSONValue?

    /// Creates a packet.
    /// - Parameters:
    ///   - kind: The packet type (``Kind/event`` and ``Kind/ack`` become their binary forms
    ///     on encoding when `data` holds binary values)
    ///   - namespace: The namespace
    ///   - ackID: The acknowledgement id
    ///   - data: The payload
    public init(kind: Kind, namespace: String = "/", ackID: Int? = nil, data: JSONValue? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.ackID = ackID
        self.data = data
    }

    /// Encodes the packet: the text of the packet (an Engine.IO message) followed by its binary
    /// attachments (each one Engine.IO binary message).
    public func encoded() -> (text: String, attachments: [[UInt8]]) {
        var attachments: [[UInt8]] = []
        var json = ""
        data?.encode(into: &json, attachments: &attachments)
        var kind = self.kind
        if !attachments.isEmpty {
            if kind == .event { kind = .binaryEvent }
            if kind == .ack { kind = .binaryAck }
        }
        var text = String(kind.rawValue)
        if kind == .binaryEvent || kind == .binaryAck {
            text += String(attachments.count) + "-"
        }
        if namespace != "/" {
            text += namespace + ","
        }
        if let ackID {
            text += String(ackID)
        }
        text += json
        return (text, attachments)
    }
}
