@testable import FleetDaemon
import FleetTypes
import SocketIO
import Testing

@Suite("ChannelRedaction")
struct ChannelRedactionTests {
    @Test("the token and the key become <redacted> in strings and keys at any depth; other values stay")
    func redactsEverywhere() throws {
        let token = "TOKEN.abc-def"
        let key = "k3y-0123"
        let sent = try JSONValue(parsing: """
            {"guilds": 3, "note": "token=\(token);", "\(key)": [true, null, 0.5, {"deep": "a\(key)b\(token)"}],
             "plain": "nothing here"}
            """[...])
        let redacted = ChannelRedaction.redact(sent, secrets: [token, key, ""])
        let text = redacted.jsonString
        #expect(!text.contains(token) && !text.contains(key), "\(text)")
        #expect(redacted["note"] == .string("token=<redacted>;"))
        #expect(redacted["<redacted>"]?[3]?["deep"] == .string("a<redacted>b<redacted>"))
        #expect(redacted["guilds"] == .number(3) && redacted["plain"] == .string("nothing here"))
        #expect(redacted["<redacted>"]?[0] == .bool(true) && redacted["<redacted>"]?[1] == .null)
    }

    @Test("no secrets: the value as it was")
    func noSecrets() throws {
        let sent = try JSONValue(parsing: #"{"a": "b"}"#[...])
        #expect(ChannelRedaction.redact(sent, secrets: [""]) == sent)
    }
}
