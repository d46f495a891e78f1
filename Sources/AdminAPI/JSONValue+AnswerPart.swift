import FleetTypes

/// A heartbeat's stats in the status document, written as Foundation's encoder writes its `Codable` form: an
/// object's members sorted by key (of a key that occurs twice, the last member).
extension JSONValue: AnswerPart {
    /// Appends the value's JSON text.
    /// - Throws: `EncodingError.invalidValue` for a number JSON cannot hold or a binary value, with its place.
    func write(to text: inout [UInt8]) throws {
        switch self {
        case .null:
            text.append(contentsOf: "null".utf8)
        case .bool(let bool):
            bool.write(to: &text)
        case .number(let number):
            try number.write(to: &text)
        case .string(let string):
            JSONText.write(string, to: &text)
        case .array(let elements):
            try elements.write(to: &text)
        case .object(let members):
            text.append(UInt8(ascii: "{"))
            for (index, member) in JSONText.sortedByKey(members, key: \.key).enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                JSONText.write(member.key, to: &text)
                text.append(UInt8(ascii: ":"))
                try placingInvalidValue(at: AnswerMemberKey(member.key)) { try member.value.write(to: &text) }
            }
            text.append(UInt8(ascii: "}"))
        case .binary:
            // Its own `Codable` form says why it has no JSON form.
            try encode(to: AnswerNodeEncoder(parent: nil, key: nil))
        }
    }
}
