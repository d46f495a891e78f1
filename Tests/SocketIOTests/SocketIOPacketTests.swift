import FleetTypes
import Testing

@testable import SocketIO

@Suite struct SocketIOPacketTests {
    @Test(arguments: [
        "0", #"0{"token":"123"}"#, "0/custom,", #"0/custom,{"a":1}"#, "1", "1/custom,",
        #"2["message",1,"2",{"3":[true]}]"#, #"2/custom,["x"]"#, #"2456["message-with-ack",1]"#,
        #"2/admin,7["e"]"#, #"3456[1,"2"]"#, #"4{"message":"Invalid namespace"}"#, #"4/random,{"message":"Invalid namespace"}"#,
    ])
    func textPacketsRoundTrip(text: String) throws {
        var decoder = SocketIOPacketDecoder()
        let packet = try #require(try decoder.receive(text: text))
        #expect(packet.encoded().text == text)
        #expect(packet.encoded().attachments.isEmpty)
    }

    @Test func parsesFields() throws {
        let (packet, count) = try SocketIOPacket.decode(text: #"52-/admin,17["upload",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#)
        #expect(packet.kind == .binaryEvent)
        #expect(packet.namespace == "/admin")
        #expect(packet.ackID == 17)
        #expect(count == 2)
    }

    @Test func binaryEventRoundTripThroughDecoder() throws {
        let original = SocketIOPacket(kind: .event, namespace: "/", ackID: 789, data: ["message", .binary([1, 2, 3]), ["nested": .binary([4])]])
        let (text, attachments) = original.encoded()
        #expect(text == #"52-789["message",{"_placeholder":true,"num":0},{"nested":{"_placeholder":true,"num":1}}]"#)
        var decoder = SocketIOPacketDecoder()
        #expect(try decoder.receive(text: text) == nil)
        #expect(decoder.isAwaitingAttachments)
        #expect(try decoder.receive(binary: attachments[0]) == nil)
        let decoded = try #require(try decoder.receive(binary: attachments[1]))
        #expect(decoded == original)
    }

    @Test func binaryAckEncodesAsKindSix() {
        let packet = SocketIOPacket(kind: .ack, namespace: "/custom", ackID: 3, data: [.binary([9])])
        #expect(packet.encoded().text == #"61-/custom,3[{"_placeholder":true,"num":0}]"#)
    }

    @Test(arguments: [
        ("", ProtocolError.Code.invalidSocketIOPacket), ("7", .invalidSocketIOPacket), ("abc", .invalidSocketIOPacket),
        ("2{\"abc\":\"def\"}", .invalidPayload), ("2[]", .invalidPayload), ("2[1]", .invalidPayload),
        ("2\"str\"", .invalidPayload), (#"2["connect"]"#, .invalidPayload), ("2abc[\"x\"]", .invalidJSON),
        ("2[\"x\"", .invalidJSON), ("3{}", .invalidPayload), ("0[1]", .invalidPayload), ("1{}", .invalidPayload),
        ("5x-[\"a\"]", .invalidSocketIOPacket), ("5-[\"a\"]", .invalidSocketIOPacket), ("511-[\"a\"]", .tooLarge),
        ("4[1]", .invalidPayload), ("21234567890123456[\"x\"]", .invalidSocketIOPacket),
    ])
    func malformedPacketsThrow(text: String, code: ProtocolError.Code) {
        var decoder = SocketIOPacketDecoder()
        expectProtocolError(code, text.debugDescription) { _ = try decoder.receive(text: text) }
    }

    @Test func binaryWithoutAnnouncementThrows() {
        var decoder = SocketIOPacketDecoder()
        expectProtocolError(.unexpectedAttachment, "binary without an announcing packet") { _ = try decoder.receive(binary: [1]) }
    }

    @Test func textWhileAwaitingAttachmentsThrows() throws {
        var decoder = SocketIOPacketDecoder()
        _ = try decoder.receive(text: #"51-["a",{"_placeholder":true,"num":0}]"#)
        expectProtocolError(.unexpectedAttachment, "text while awaiting an attachment") { _ = try decoder.receive(text: #"2["b"]"#) }
    }

    @Test func placeholderNamingNoAttachmentThrows() throws {
        var decoder = SocketIOPacketDecoder()
        _ = try decoder.receive(text: #"51-["a",{"_placeholder":true,"num":5}]"#)
        expectProtocolError(.invalidPayload, "a placeholder naming no attachment") { _ = try decoder.receive(binary: [1]) }
    }

    @Test func attachmentsAddingUpPastTheByteLimitThrowAndAreDropped() throws {
        var decoder = SocketIOPacketDecoder(maxAttachments: 3, maxAttachmentBytes: 10)
        _ = try decoder.receive(text: #"53-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1},{"_placeholder":true,"num":2}]"#)
        #expect(try decoder.receive(binary: Array(repeating: 1, count: 6)) == nil)
        expectProtocolError(.tooLarge, "attachments of 12 bytes over a 10-byte limit") {
            _ = try decoder.receive(binary: Array(repeating: 2, count: 6))
        }
        #expect(!decoder.isAwaitingAttachments)
    }

    @Test func resetDropsAPacketAwaitingAttachments() throws {
        var decoder = SocketIOPacketDecoder()
        _ = try decoder.receive(text: #"51-["a",{"_placeholder":true,"num":0}]"#)
        decoder.reset()
        #expect(!decoder.isAwaitingAttachments)
        #expect(try decoder.receive(text: #"2["b"]"#)?.kind == .event)
    }
}
