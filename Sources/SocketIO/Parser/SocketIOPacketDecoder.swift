import FleetTypes

/// Reassembles Socket.IO packets from Engine.IO messages: a text packet, then as many binary
/// messages as it announced attachments, whose bytes replace the placeholders.
///
/// What it holds is bounded: at most `maxAttachments` attachments of at most `maxAttachmentBytes` bytes in all.
public struct SocketIOPacketDecoder: Sendable {
    private var pending: (packet: SocketIOPacket, expected: Int, attachments: [[UInt8]], bytes: Int)?
    private let maxAttachments: Int
    private let maxAttachmentBytes: Int

    /// Creates a decoder.
    /// - Parameters:
    ///   - maxAttachments: The largest attachment count accepted in one packet
    ///   - maxAttachmentBytes: The largest number of attachment bytes accepted in one packet (the server passes its
    ///     `maxPayload`)
    public init(maxAttachments: Int = 10, maxAttachmentBytes: Int = 1_000_000) {
        self.maxAttachments = maxAttachments
        self.maxAttachmentBytes = maxAttachmentBytes
    }

    /// Whether the decoder waits for attachments.
    public var isAwaitingAttachments: Bool { pending != nil }

    /// Drops a packet still waiting for attachments, and its bytes.
    public mutating func reset() {
        pending = nil
    }

    /// Takes a text message.
    /// - Returns: The complete packet, or `nil` when attachments must follow
    /// - Throws: ``ProtocolError`` for a malformed packet or text while attachments were awaited.
    public mutating func receive(text: String) throws(ProtocolError) -> SocketIOPacket? {
        guard pending == nil else {
            throw ProtocolError(.unexpectedAttachment, "text packet while awaiting binary attachments")
        }
        let (packet, count) = try SocketIOPacket.decode(text: text, maxAttachments: maxAttachments)
        if count == 0 {
            if packet.kind == .binaryEvent || packet.kind == .binaryAck {
                return try Self.reconstruct(packet, attachments: [])
            }
            return packet
        }
        pending = (packet, count, [], 0)
        return nil
    }

    /// Takes a binary message (one attachment).
    /// - Returns: The complete packet once its last attachment arrived, otherwise `nil`
    /// - Throws: ``ProtocolError`` when no attachment was expected, the attachments add up past
    ///   `maxAttachmentBytes`, or a placeholder is wrong.
    public mutating func receive(binary: [UInt8]) throws(ProtocolError) -> SocketIOPacket? {
        guard var current = pending else {
            throw ProtocolError(.unexpectedAttachment, "binary message of \(binary.count) bytes while no attachment was expected")
        }
        current.bytes += binary.count
        guard current.bytes <= maxAttachmentBytes else {
            pending = nil
            throw ProtocolError(.tooLarge, "attachments of \(current.bytes) bytes so far, more than the limit of \(maxAttachmentBytes)")
        }
        current.attachments.append(binary)
        guard current.attachments.count == current.expected else {
            pending = current
            return nil
        }
        pending = nil
        return try Self.reconstruct(current.packet, attachments: current.attachments)
    }

    private static func reconstruct(_ packet: SocketIOPacket, attachments: [[UInt8]]) throws(ProtocolError) -> SocketIOPacket {
        var packet = packet
        packet.kind = packet.kind == .binaryEvent ? .event : .ack
        if let data = packet.data {
            packet.data = try replacePlaceholders(in: data, attachments: attachments)
        }
        return packet
    }

    private static func replacePlaceholders(in value: JSONValue, attachments: [[UInt8]]) throws(ProtocolError) -> JSONValue {
        switch value {
        case .array(let elements):
            var result: [JSONValue] = []
            result.reserveCapacity(elements.count)
            for element in elements { result.append(try replacePlaceholders(in: element, attachments: attachments)) }
            return .array(result)
        case .object(let members):
            if value["_placeholder"] == .bool(true) {
                guard let number = value["num"]?.intValue, attachments.indices.contains(number) else {
                    throw ProtocolError(.invalidPayload, "placeholder \(value.jsonString) names no attachment of \(attachments.count)")
                }
                return .binary(attachments[number])
            }
            var result: [JSONMember] = []
            result.reserveCapacity(members.count)
            for member in members {
                result.append(JSONMember(member.key, try replacePlaceholders(in: member.value, attachments: attachments)))
            }
            return .object(result)
        case .null, .bool, .number, .string, .binary:
            return value
        }
    }
}
