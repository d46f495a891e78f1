/// Any JSON value, decoded and encoded as is: what a bot sends as free-form data (its `heartbeat` stats).
///
/// Numbers are doubles, as in JSON; `JSONEncoder` writes an integral one without a fraction (`42`).
public enum FreeFormJSON: Hashable, Sendable, Codable {
    /// `null`
    case null
    /// `true` or `false`
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([FreeFormJSON])
    /// An object.
    case object([String: FreeFormJSON])

    /// Decodes whichever JSON value comes.
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
        } else if let array = try? container.decode([FreeFormJSON].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: FreeFormJSON].self))
        }
    }

    /// Encodes the value as it is.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let bool): try container.encode(bool)
        case .number(let number): try container.encode(number)
        case .string(let string): try container.encode(string)
        case .array(let array): try container.encode(array)
        case .object(let object): try container.encode(object)
        }
    }

    /// The number, when this is one.
    public var number: Double? {
        if case .number(let number) = self { return number }
        return nil
    }
}
