import SocketIODecoders

/// An HTTP long-polling payload (`EngineIOPacket.decodePayload`): never traps, and what decodes survives a round trip.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEngineIOPayload(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = FuzzInput(data, size).text
    guard let packets = try? EngineIOPacket.decodePayload(text) else { return 0 }
    requireRoundTrip(packets, try? EngineIOPacket.decodePayload(EngineIOPacket.encodePayload(packets)), "an Engine.IO payload")
    return 0
}
