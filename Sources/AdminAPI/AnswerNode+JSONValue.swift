import FleetTypes

extension AnswerNode {
    /// The node of a ``JSONValue``, made without going through its `Codable` form (an encoder and a container per
    /// value: most of a status answer's time went to the heartbeats' stats).
    /// - Throws: `EncodingError.invalidValue` for a number JSON cannot hold or a binary value, with its place.
    static func of(json: JSONValue, in parent: AnswerNodeEncoder?, key: (any CodingKey)?) throws -> AnswerNode {
        do {
            return try node(of: json)
        } catch EncodingError.invalidValue(let value, let context) {
            let place = (parent?.codingPath ?? []) + (key.map { [$0] } ?? []) + context.codingPath
            throw EncodingError.invalidValue(value, .init(codingPath: place, debugDescription: context.debugDescription))
        }
    }

    /// The node of `json`; an error's coding path is relative to `json`.
    private static func node(of json: JSONValue) throws -> AnswerNode {
        switch json {
        case .null:
            return .null
        case .bool(let bool):
            return .literal(bool ? "true" : "false")
        case .number(let number):
            return try self.number(number, in: nil, key: nil)
        case .string(let string):
            return .string(string)
        case .array(let elements):
            let array = AnswerArray()
            array.elements.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                array.elements.append(try placingInvalidValue(at: AnswerIndexKey(intValue: index)) { try node(of: element) })
            }
            return .array(array)
        case .object(let members):
            let object = AnswerObject()
            object.members.reserveCapacity(members.count)
            for member in members {
                object.members.append((member.key, try placingInvalidValue(at: AnswerMemberKey(member.key)) { try node(of: member.value) }))
            }
            return .object(object)
        case .binary:
            // Its own `Codable` form says why it has no JSON form.
            let encoder = AnswerNodeEncoder(parent: nil, key: nil)
            try json.encode(to: encoder)
            return encoder.node ?? .null
        }
    }
}

/// An object member's key, as a coding key (for the coding path of errors).
struct AnswerMemberKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ key: String) { stringValue = key }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
