import FleetTypes
import Testing

@testable import SocketIO

@Suite struct JSONValueTests {
    @Test(arguments: [
        #"{"b":1,"a":[true,false,null],"c":{"d":"e"}}"#,
        #"[1,"2",{"3":[true]}]"#,
        #"[-0.5,1.25,1e+21,123456789,-42]"#,
        #""quote \" backslash \\ newline \n tab \t control \u0001""#,
        #""ünïcödé ✓ 😀""#,
        "[]", "{}", "null", "0",
    ])
    func roundTripKeepsText(text: String) throws {
        let value = try JSONValue(parsing: text)
        #expect(value.jsonString == text)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONValue(parsing: #""\ud83d\ude00 \u00e9 \/""#)
        #expect(value == .string("😀 é /"))
    }

    @Test func writesIntegralNumbersWithoutFraction() {
        #expect(JSONValue.number(3).jsonString == "3")
        #expect(JSONValue.number(0.1).jsonString == "0.1")
        #expect(JSONValue.number(1.5e-7).jsonString == "1.5e-7")
        #expect(JSONValue.number(.infinity).jsonString == "null")
    }

    /// Found by the libFuzzer target `fuzz-socketio-packet` (Scripts/fuzz): such a number does not survive a round
    /// trip. Kept as JavaScript's `JSON.parse` and `JSON.stringify` do it, so that a packet the reference server
    /// accepts is accepted here too.
    @Test func numbersBeyondDoubleRangeParseToInfinityAndWriteAsNull() throws {
        let value = try JSONValue(parsing: "[1e999,-1e400,2e308]")
        #expect(value == .array([.number(.infinity), .number(-.infinity), .number(.infinity)]))
        #expect(value.jsonString == "[null,null,null]")
    }

    @Test func literalsAndAccessors() {
        let value: JSONValue = ["name": "x", "count": 2, "ok": true, "list": [1, nil]]
        #expect(value["name"]?.stringValue == "x")
        #expect(value["count"]?.intValue == 2)
        #expect(value["ok"]?.boolValue == true)
        #expect(value["list"]?[1] == JSONValue.null)
        #expect(value["missing"] == nil)
        #expect(value.jsonString == #"{"name":"x","count":2,"ok":true,"list":[1,null]}"#)
    }

    @Test func binaryBecomesPlaceholdersInOrder() {
        let value: JSONValue = [.binary([1]), ["k": .binary([2])]]
        var text = ""
        var attachments: [[UInt8]] = []
        value.encode(into: &text, attachments: &attachments)
        #expect(text == #"[{"_placeholder":true,"num":0},{"k":{"_placeholder":true,"num":1}}]"#)
        #expect(attachments == [[1], [2]])
        #expect(value.containsBinary)
    }

    @Test(arguments: [
        "", "{", "[1,]", "[1 2]", #"{"a" 1}"#, #"{a:1}"#, "tru", "01x", "-", "1.", "1e", #""unterminated"#,
        "\"tab\there\"", #""\x""#, #""\u12""#, "[1] 2", "nul",
    ])
    func malformedTextThrowsInvalidJSON(text: String) {
        expectProtocolError(.invalidJSON, text.debugDescription) { _ = try JSONValue(parsing: text) }
    }

    @Test func rejectsExcessiveNesting() {
        let text = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        expectProtocolError(.invalidJSON, "600 nested arrays") { _ = try JSONValue(parsing: text) }
    }
}
