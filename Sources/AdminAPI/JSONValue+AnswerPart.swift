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
            JSONStringText.write(string, to: &text)
        case .array(let elements):
            try elements.write(to: &text)
        case .object(let members):
            try SortedMembers(members).write(to: &text)
        case .binary:
            // Its own `Codable` form says why it has no JSON form.
            try encode(to: AnswerNodeEncoder(parent: nil, key: nil))
        }
    }
}

/// An object's members as Foundation's `.sortedKeys` writes them: ordered by their keys' UTF-8 bytes, each key once.
struct SortedMembers: AnswerPart {
    private let members: [JSONMember]

    /// The members of an object as it came (of a key that occurs twice, the last member).
    init(_ members: [JSONMember]) {
        self.members = JSONText.sortedByKey(members, key: \.key)
    }

    /// The members of a dictionary (a heartbeat's stats), whose keys are unique: sorted in place.
    init(_ dictionary: [String: JSONValue]) {
        var members = dictionary.map { JSONMember($0.key, $0.value) }
        members.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        self.members = members
    }

    /// The members of a dictionary of strings (a progress event's detail), whose keys are unique.
    init(_ strings: [String: String]) {
        self.init(strings.mapValues(JSONValue.string))
    }

    /// `{"key":value,...}`.
    /// - Throws: `EncodingError.invalidValue` from a member's value, its path starting at the member's key.
    func write(to text: inout [UInt8]) throws {
        text.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            JSONStringText.write(member.key, to: &text)
            text.append(UInt8(ascii: ":"))
            try placingInvalidValue(at: AnswerMemberKey(member.key)) { try member.value.write(to: &text) }
        }
        text.append(UInt8(ascii: "}"))
    }
}
