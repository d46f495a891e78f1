import FleetTypes
import Foundation

/// One value of the document ``AnswerEncoder`` builds: what an `Encodable` value encodes into, written as JSON once
/// the whole value was encoded.
enum AnswerNode {
    /// `null`.
    case null
    /// JSON text as it is written: `true`, `false`, a number.
    case literal(String)
    /// A string, escaped when written.
    case string(String)
    /// An array, filled while its container is in use.
    case array(AnswerArray)
    /// An object, filled while its container is in use; written with its keys sorted.
    case object(AnswerObject)
    /// What a nested encoder (`superEncoder`) encodes; an empty object when it encoded nothing.
    case nested(AnswerNodeEncoder)

    /// The node of `value`, encoding it through ``AnswerNodeEncoder`` unless it is a plain value; nil when it
    /// encoded nothing.
    static func of<Value: Encodable>(_ value: Value, in parent: AnswerNodeEncoder?, key: (any CodingKey)?) throws -> AnswerNode? {
        if let plain = try plain(value, in: parent, key: key) { return plain }
        // The type is asked, not the value: a cast of a value may wrap it in an optional to make it conform.
        if Value.self is any AnswerOptional.Type, let optional = value as? any AnswerOptional {
            guard let wrapped = optional.wrappedEncodable else { return .null }
            return try of(wrapped, in: parent, key: key)
        }
        let encoder = AnswerNodeEncoder(parent: parent, key: key)
        try value.encode(to: encoder)
        return encoder.node
    }

    /// The node of a string, number, boolean or date, made directly; nil for any other value. The types are compared before anything is cast: a failed cast per value cost more than the rest.
    static func plain<Value: Encodable>(_ value: Value, in parent: AnswerNodeEncoder?, key: (any CodingKey)?) throws -> AnswerNode? {
        if Value.self == String.self, let string = value as? String { return .string(string) }
        if Value.self == Date.self, let date = value as? Date { return .string(JSONText.iso8601(date)) }
        if Value.self == Int.self, let int = value as? Int { return .literal(String(int)) }
        if Value.self == Double.self, let double = value as? Double { return try number(double, in: parent, key: key) }
        if Value.self == Bool.self, let bool = value as? Bool { return .literal(bool ? "true" : "false") }
        return nil
    }

    /// A finite number as Foundation's encoder writes it (`12`, not `12.0`).
    /// - Throws: `EncodingError.invalidValue` for NaN and the infinities.
    static func number(
        _ value: some FloatingPoint & CustomStringConvertible, in parent: AnswerNodeEncoder?, key: (any CodingKey)?
    ) throws -> AnswerNode {
        guard value.isFinite else {
            let path = (parent?.codingPath ?? []) + (key.map { [$0] } ?? [])
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "JSON has no \(value)"))
        }
        return .literal(JSONText.number(value.description))
    }

    /// Appends the node's JSON text.
    func write(to text: inout [UInt8]) {
        switch self {
        case .null:
            text.append(contentsOf: "null".utf8)
        case .literal(let literal):
            text.append(contentsOf: literal.utf8)
        case .string(let string):
            JSONStringText.write(string, to: &text)
        case .array(let array):
            text.append(UInt8(ascii: "["))
            for (index, element) in array.elements.enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                element.write(to: &text)
            }
            text.append(UInt8(ascii: "]"))
        case .object(let object):
            text.append(UInt8(ascii: "{"))
            for (index, member) in object.sortedMembers().enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                JSONStringText.write(member.key, to: &text)
                text.append(UInt8(ascii: ":"))
                member.value.write(to: &text)
            }
            text.append(UInt8(ascii: "}"))
        case .nested(let encoder):
            (encoder.node ?? .object(AnswerObject())).write(to: &text)
        }
    }
}

/// The elements of an array being encoded.
final class AnswerArray {
    var elements: [AnswerNode] = []
}

/// The members of an object being encoded, in the order they were encoded.
final class AnswerObject {
    var members: [(key: String, value: AnswerNode)] = []

    /// The members ordered by their keys' UTF-8 bytes, as Foundation's `.sortedKeys` orders them; of a key encoded
    /// twice, the last value.
    func sortedMembers() -> [(key: String, value: AnswerNode)] {
        JSONText.sortedByKey(members) { $0.key }
    }
}

/// An optional, whose node is its value's or `null`, made without an encoder of its own (a status answer has
/// thousands of them).
protocol AnswerOptional {
    /// The value, or nil.
    var wrappedEncodable: (any Encodable)? { get }
}

extension Optional: AnswerOptional where Wrapped: Encodable {
    var wrappedEncodable: (any Encodable)? { self }
}
