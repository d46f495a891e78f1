/// A ``JSONValue`` inside a `Codable` document (the stats of a heartbeat in `status --json`), written as the JSON
/// it is: `JSONEncoder` writes an integral number without a fraction (`42`).
///
/// A `Decoder` does not tell the order of an object's keys, so a decoded object has its members sorted by key;
/// ``JSONValue/binary(_:)`` has no JSON form outside a Socket.IO packet, so encoding one throws.
extension JSONValue: Codable {
    /// Decodes whichever JSON value comes; an object's members sorted by key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let elements = try? container.decode([JSONValue].self) {
            self = .array(elements)
        } else {
            let members = try container.decode([String: JSONValue].self)
            self = .object(members.sorted { $0.key < $1.key }.map { JSONMember($0.key, $0.value) })
        }
    }

    /// Encodes the value as it is; an object's members in their order (an encoder may sort them).
    /// - Throws: `EncodingError.invalidValue` for ``binary(_:)``, anywhere in the value.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let bool):
            var container = encoder.singleValueContainer()
            try container.encode(bool)
        case .number(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .string(let string):
            var container = encoder.singleValueContainer()
            try container.encode(string)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let members):
            var container = encoder.container(keyedBy: MemberKey.self)
            for member in members { try container.encode(member.value, forKey: MemberKey(member.key)) }
        case .binary(let bytes):
            throw EncodingError.invalidValue(self, EncodingError.Context(
                codingPath: encoder.codingPath,
                debugDescription: "binary data (\(bytes.count) bytes) has no JSON form outside a Socket.IO packet"))
        }
    }

    /// A member's key, as a coding key.
    private struct MemberKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(_ key: String) { stringValue = key }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }
}
