import SocketIODecoders

/// The streaming decoder (`SocketIOPacketDecoder`): a text message, then binary messages (attachments) within small
/// limits; never traps, and a packet it completes survives a round trip through a fresh decoder (numbers beyond
/// Double's range come back as `null`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSocketIODecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let (text, attachments) = FuzzInput(data, size).messages
    guard let packet = decode(text, attachments) else { return 0 }
    let encoded = packet.encoded()
    requireRoundTrip(packet.finite, decode(encoded.text, encoded.attachments), "a reassembled Socket.IO packet")
    return 0
}

/// The packet `text` and `attachments` complete (later attachments are left), or nil: an error, or attachments
/// still awaited.
private func decode(_ text: String, _ attachments: [[UInt8]]) -> SocketIOPacket? {
    var decoder = SocketIOPacketDecoder(maxAttachments: 4, maxAttachmentBytes: 4096)
    do {
        if let packet = try decoder.receive(text: text) { return packet }
        for attachment in attachments {
            if let packet = try decoder.receive(binary: attachment) { return packet }
        }
        return nil
    } catch {
        return nil
    }
}
