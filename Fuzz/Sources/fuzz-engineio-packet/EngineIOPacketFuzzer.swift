import SocketIODecoders

/// One Engine.IO packet (`EngineIOPacket(decoding:)`): never traps, and what decodes survives a round trip.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEngineIOPacket(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = FuzzInput(data, size).text
    guard let packet = try? EngineIOPacket(decoding: text[...]) else { return 0 }
    requireRoundTrip(packet, try? EngineIOPacket(decoding: packet.encodedText[...]), "an Engine.IO packet")
    return 0
}
