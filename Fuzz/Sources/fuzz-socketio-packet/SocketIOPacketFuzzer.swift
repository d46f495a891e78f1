import SocketIODecoders

/// The text part of a Socket.IO packet (`SocketIOPacket.decode(text:maxAttachments:)`, with the JSON parser):
/// never traps, and a packet without attachments survives a round trip (numbers beyond Double's range
/// come back as `null`, see ``JSONValue/finite``).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSocketIOPacket(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = FuzzInput(data, size).text
    guard let (packet, count) = try? SocketIOPacket.decode(text: text, maxAttachments: 10), count == 0,
        packet.kind != .binaryEvent, packet.kind != .binaryAck
    else { return 0 }
    let encoded = packet.encoded()
    let again = encoded.attachments.isEmpty ? try? SocketIOPacket.decode(text: encoded.text).packet : nil
    requireRoundTrip(packet.finite, again, "a Socket.IO packet")
    return 0
}
