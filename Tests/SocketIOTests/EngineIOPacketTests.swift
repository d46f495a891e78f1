import Testing

@testable import SocketIO

@Suite struct EngineIOPacketTests {
    @Test(arguments: [
        ("0{\"sid\":\"x\"}", EngineIOPacket.open("{\"sid\":\"x\"}")),
        ("1", .close), ("2", .ping("")), ("2probe", .ping("probe")), ("3probe", .pong("probe")),
        ("4hello", .message("hello")), ("4", .message("")), ("5", .upgrade), ("6", .noop),
        ("bAQIDBA==", .binary([1, 2, 3, 4])),
    ])
    func decodesAndEncodes(text: String, packet: EngineIOPacket) throws {
        #expect(try EngineIOPacket(decoding: text[...]) == packet)
        #expect(packet.encodedText == text)
    }

    @Test func payloadRoundTrip() throws {
        let body = "4hello\u{1E}bAQIDBA==\u{1E}4world"
        let packets = try EngineIOPacket.decodePayload(body)
        #expect(packets == [.message("hello"), .binary([1, 2, 3, 4]), .message("world")])
        #expect(EngineIOPacket.encodePayload(packets) == body)
    }

    @Test(arguments: [
        ("", ProtocolError.Code.invalidEngineIOPacket), ("7", .invalidEngineIOPacket), ("abc", .invalidEngineIOPacket),
        ("b!!!", .invalidBase64), ("4a\u{1E}", .invalidEngineIOPacket), ("4a\u{1E}x", .invalidEngineIOPacket),
    ])
    func malformedPayloadThrows(body: String, code: ProtocolError.Code) {
        expectProtocolError(code, body.debugDescription) { _ = try EngineIOPacket.decodePayload(body) }
    }
}

@Suite struct Base64Tests {
    @Test(arguments: [([], ""), ([0x66], "Zg=="), ([0x66, 0x6F], "Zm8="), ([0x66, 0x6F, 0x6F], "Zm9v"), ([0xFF, 0xFE, 0xFD, 0x00], "//79AA==")] as [([UInt8], String)])
    func roundTrip(bytes: [UInt8], text: String) {
        #expect(Base64.encode(bytes) == text)
        #expect(Base64.decode(text) == bytes)
    }

    @Test(arguments: ["Zg=", "Z===", "Zm9v!A==", "Zg==Zg=="])
    func rejectsMalformed(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
