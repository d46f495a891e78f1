/// One Engine.IO v4 packet.
///
/// Text packets are a type digit followed by their data (`4hello`); a binary message is a
/// WebSocket binary frame, or `b` followed by base64 inside an HTTP long-polling payload.
public enum EngineIOPacket: Sendable, Hashable {
    /// `0`: the handshake, with its JSON data
    case open(String)
    /// `1`: the transport is closing
    case close
    /// `2`: a heartbeat ping (data `probe` during an upgrade)
    case ping(String)
    /// `3`: the answer to a ping
    case pong(String)
    /// `4`: a text message
    case message(String)
    /// A binary message
    case binary([UInt8])
    /// `5`: completes an upgrade to WebSocket
    case upgrade
    /// `6`: no operation, used to end a pending long-polling request
    case noop

    /// The separator between packets in an HTTP long-polling payload (ASCII record separator).
    public static let payloadSeparator: Character = "\u{1E}"

    /// Decodes a packet from a text WebSocket frame or one segment of a polling payload.
    /// - Parameter text: The packet's text
    /// - Throws: ``ProtocolError`` (``ProtocolError/Code/invalidEngineIOPacket`` for an empty text
    ///   or unknown type, ``ProtocolError/Code/invalidBase64`` for a bad `b` packet).
    public init(decoding text: Substring) throws(ProtocolError) {
        guard let first = text.utf8.first else {
            throw ProtocolError(.invalidEngineIOPacket, "empty Engine.IO packet")
        }
        let data = text.dropFirst()
        switch first {
        case UInt8(ascii: "0"): self = .open(String(data))
        case UInt8(ascii: "1"): self = .close
        case UInt8(ascii: "2"): self = .ping(String(data))
        case UInt8(ascii: "3"): self = .pong(String(data))
        case UInt8(ascii: "4"): self = .message(String(data))
        case UInt8(ascii: "5"): self = .upgrade
        case UInt8(ascii: "6"): self = .noop
        case UInt8(ascii: "b"):
            guard let bytes = Base64.decode(data) else {
                throw ProtocolError(.invalidBase64, "bad base64 in binary packet \(ProtocolError.excerpt(text))")
            }
            self = .binary(bytes)
        default:
            throw ProtocolError(.invalidEngineIOPacket, "unknown Engine.IO packet type in \(ProtocolError.excerpt(text))")
        }
    }

    /// The packet as text: the type digit and data, or `b` and base64 for a binary message
    /// (the form used inside polling payloads).
    public var encodedText: String {
        switch self {
        case .open(let data): "0" + data
        case .close: "1"
        case .ping(let data): "2" + data
        case .pong(let data): "3" + data
        case .message(let data): "4" + data
        case .binary(let bytes): "b" + Base64.encode(bytes)
        case .upgrade: "5"
        case .noop: "6"
        }
    }

    /// The number of bytes the packet counts for against queue limits.
    var weight: Int {
        switch self {
        case .open(let data), .ping(let data), .pong(let data), .message(let data): data.utf8.count + 1
        case .binary(let bytes): bytes.count + 1
        case .close, .upgrade, .noop: 1
        }
    }

    /// Decodes an HTTP long-polling payload: packets separated by ``payloadSeparator``.
    /// - Parameter payload: The POST body
    /// - Throws: ``ProtocolError`` for the first packet that does not decode.
    public static func decodePayload(_ payload: String) throws(ProtocolError) -> [EngineIOPacket] {
        var packets: [EngineIOPacket] = []
        for segment in payload.split(separator: payloadSeparator, omittingEmptySubsequences: false) {
            packets.append(try EngineIOPacket(decoding: segment))
        }
        return packets
    }

    /// Encodes packets as an HTTP long-polling payload.
    /// - Parameter packets: The packets, in order
    public static func encodePayload(_ packets: some Sequence<EngineIOPacket>) -> String {
        var output = ""
        for packet in packets {
            if !output.isEmpty { output.append(payloadSeparator) }
            output += packet.encodedText
        }
        return output
    }
}
