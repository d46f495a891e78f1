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
        do {
            _ = try EngineIOPacket.decodePayload(body)
            Issue.record("\(body.debugDescription) decoded")
        } catch {
            #expect(error.code == code)
        }
    }
}
