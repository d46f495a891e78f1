/// A JSON value: what the bots send over the channel (Socket.IO packets, with a ``binary(_:)`` case for their
/// attachments) and what the daemon shows of it (a heartbeat's stats in `status --json`).
///
/// Objects keep the order of their members, so a value that is parsed and written again
/// produces the same text (`{"b":1,"a":2}` stays in that order), as the JavaScript reference does.
/// Numbers are IEEE doubles like in JavaScript; integral values are written without a fraction.
/// The text form of the channel (parsing, `jsonString`) is SocketIO's; `Codable` (``JSONValue+Codable``) is
/// how the value travels inside other documents.
///
/// ```swift
/// let payload: JSONValue = ["version": "1.4.2", "shards": [0, 1], "ok": true]
/// let version = payload["version"]?.stringValue   // "1.4.2"
/// ```
public enum JSONValue: Sendable, Hashable {
    /// `null`
    case null
    /// `true` or `false`
    case bool(Bool)
    /// A number (a double, as in JavaScript)
    case number(Double)
    /// A string
    case string(String)
    /// An array
    case array([JSONValue])
    /// An object, members in their order of appearance
    case object([JSONMember])
    /// Binary data: a Socket.IO attachment, sent as a separate binary frame or `b` packet
    case binary([UInt8])
}

/// One member of a JSON object: a key and its value.
public struct JSONMember: Sendable, Hashable {
    /// The member's key
    public var key: String
    /// The member's value
    public var value: JSONValue

    /// Creates a member.
    /// - Parameters:
    ///   - key: The key
    ///   - value: The value
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension JSONValue {
    /// The value of the first member named `key` when this is an object, otherwise `nil`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The element at `index` when this is an array and the index is valid, otherwise `nil`.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The string when this is a string, otherwise `nil`.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The number when this is a number, otherwise `nil`.
    public var doubleValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// The number as an `Int` when this is an integral number in `Int`'s range, otherwise `nil`.
    public var intValue: Int? {
        guard case .number(let number) = self, let integer = Int(exactly: number) else { return nil }
        return integer
    }

    /// The boolean when this is `true` or `false`, otherwise `nil`.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// The elements when this is an array, otherwise `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The members when this is an object, otherwise `nil`.
    public var objectValue: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// Whether this value or anything inside it is ``binary(_:)``.
    public var containsBinary: Bool {
        switch self {
        case .binary: true
        case .array(let elements): elements.contains { $0.containsBinary }
        case .object(let members): members.contains { $0.value.containsBinary }
        case .null, .bool, .number, .string: false
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// Creates `null`.
    public init(nilLiteral: ()) { self = .null }
    /// Creates a boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Creates a number from an integer.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// Creates a number.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// Creates a string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Creates an array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Creates an object whose members keep the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { JSONMember($0.0, $0.1) })
    }
}
