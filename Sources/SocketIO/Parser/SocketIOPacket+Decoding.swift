import FleetTypes

extension SocketIOPacket {
    /// Decodes the text part of a packet (placeholders stay in ``data``) and validates its payload.
    /// - Parameters:
    ///   - text: The packet text (an Engine.IO message's data)
    ///   - maxAttachments: The largest attachment count accepted
    /// - Returns: The packet and the number of binary attachments that follow it
    /// - Throws: ``ProtocolError`` with code ``ProtocolError/Code/invalidSocketIOPacket``,
    ///   ``ProtocolError/Code/invalidJSON`` or ``ProtocolError/Code/invalidPayload``.
    public static func decode(
        text: String,
        maxAttachments: Int = 10
    ) throws(ProtocolError) -> (packet: SocketIOPacket, attachmentCount: Int) {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "6"),
            let kind = Kind(rawValue: first - UInt8(ascii: "0"))
        else {
            throw ProtocolError(.invalidSocketIOPacket, "unknown Socket.IO packet type in \(ProtocolError.excerpt(text))")
        }
        var index = 1
        var attachmentCount = 0
        if kind == .binaryEvent || kind == .binaryAck {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, index > start, index - start <= 6,
                let count = Int(String(decoding: bytes[start..<index], as: UTF8.self)), count >= 0
            else {
                throw ProtocolError(.invalidSocketIOPacket, "bad attachment count in \(ProtocolError.excerpt(text))")
            }
            guard count <= maxAttachments else {
                throw ProtocolError(.tooLarge, "\(count) attachments, more than the limit of \(maxAttachments)")
            }
            attachmentCount = count
            index += 1
        }
        var namespace = "/"
        if index < bytes.count, bytes[index] == UInt8(ascii: "/") {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ",") { index += 1 }
            namespace = String(decoding: bytes[start..<index], as: UTF8.self)
            if index < bytes.count { index += 1 }
        }
        var ackID: Int?
        let idStart = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        if index > idStart {
            guard index - idStart <= 15, let id = Int(String(decoding: bytes[idStart..<index], as: UTF8.self)) else {
                throw ProtocolError(.invalidSocketIOPacket, "bad ack id in \(ProtocolError.excerpt(text))")
            }
            ackID = id
        }
        var data: JSONValue?
        if index < bytes.count {
            data = try bytes.withUnsafeBufferPointer { buffer throws(ProtocolError) in
                var parser = JSONParser(bytes: UnsafeBufferPointer(rebasing: buffer[index...]))
                return try parser.parseDocument()
            }
        }
        let packet = SocketIOPacket(kind: kind, namespace: namespace, ackID: ackID, data: data)
        try packet.validatePayload(text: text)
        return (packet, attachmentCount)
    }

    /// Checks that the payload fits the packet type, as the reference parser does.
    func validatePayload(text: String) throws(ProtocolError) {
        let valid: Bool
        switch kind {
        case .connect:
            if case .object = data { valid = true } else { valid = data == nil }
        case .disconnect:
            valid = data == nil
        case .event, .binaryEvent:
            if case .array(let elements) = data, case .string(let name) = elements.first {
                valid = !Self.reservedEventNames.contains(name)
            } else {
                valid = false
            }
        case .ack, .binaryAck:
            if case .array = data { valid = true } else { valid = false }
        case .connectError:
            switch data {
            case .string, .object: valid = true
            default: valid = false
            }
        }
        guard valid else {
            throw ProtocolError(.invalidPayload, "payload does not fit a \(kind) packet in \(ProtocolError.excerpt(text))")
        }
    }
}
