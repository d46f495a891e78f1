import FleetTypes
import Foundation

/// A value inside a document an ``AnswerWritable`` writes: it appends its JSON text, the bytes Foundation's encoder
/// writes for it with the admin API's settings.
protocol AnswerPart {
    /// Appends the value's JSON text to `text`.
    /// - Throws: `EncodingError.invalidValue` for what JSON cannot hold, its coding path relative to this value.
    func write(to text: inout [UInt8]) throws
}

extension Optional: AnswerPart where Wrapped: AnswerPart {
    /// The value's text, or `null`.
    func write(to text: inout [UInt8]) throws {
        if let value = self { try value.write(to: &text) } else { text.append(contentsOf: "null".utf8) }
    }
}

extension String: AnswerPart {
    /// Quoted and escaped.
    func write(to text: inout [UInt8]) { JSONStringText.write(self, to: &text) }
}

extension Int: AnswerPart {
    /// Its digits.
    func write(to text: inout [UInt8]) { JSONText.writeInteger(self, to: &text) }
}

extension Int32: AnswerPart {
    /// Its digits.
    func write(to text: inout [UInt8]) { JSONText.writeInteger(self, to: &text) }
}

extension Bool: AnswerPart {
    /// `true` or `false`.
    func write(to text: inout [UInt8]) { text.append(contentsOf: (self ? "true" : "false").utf8) }
}

extension Double: AnswerPart {
    /// Its shortest text, without the `.0` of a whole number.
    /// - Throws: `EncodingError.invalidValue` for NaN and the infinities.
    func write(to text: inout [UInt8]) throws {
        guard isFinite else {
            throw EncodingError.invalidValue(self, .init(codingPath: [], debugDescription: "JSON has no \(self)"))
        }
        JSONText.writeNumber(description, to: &text)
    }
}

extension Date: AnswerPart {
    /// Quoted ISO 8601, whole seconds.
    func write(to text: inout [UInt8]) {
        text.append(UInt8(ascii: "\""))
        JSONText.writeISO8601(self, to: &text)
        text.append(UInt8(ascii: "\""))
    }
}

extension Revision: AnswerPart {
    /// Its id, quoted.
    func write(to text: inout [UInt8]) { JSONStringText.write(rawValue, to: &text) }
}

extension ClientID: AnswerPart {
    /// Its id, quoted.
    func write(to text: inout [UInt8]) { JSONStringText.write(rawValue, to: &text) }
}

extension Trigger: AnswerPart {
    /// Its name, quoted.
    func write(to text: inout [UInt8]) { JSONStringText.write(rawValue, to: &text) }
}

extension [UInt8] {
    /// Appends an object's member: `,"key":` (without the comma for the `first`) and `value`'s text; the coding path
    /// of an invalid value prefixed with `key`.
    /// - Throws: `EncodingError.invalidValue` from `value`.
    mutating func appendMember(_ key: StaticString, _ value: some AnswerPart, first: Bool = false) throws {
        if !first { append(UInt8(ascii: ",")) }
        append(UInt8(ascii: "\""))
        append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: ":"))
        try placingInvalidValue(at: AnswerMemberKey(key.description)) { try value.write(to: &self) }
    }
}

extension Array: AnswerPart where Element: AnswerPart {
    /// Its elements' text, in brackets; the coding path of an invalid value prefixed with its index.
    func write(to text: inout [UInt8]) throws {
        text.append(UInt8(ascii: "["))
        for (index, element) in enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            try placingInvalidValue(at: AnswerIndexKey(intValue: index)) { try element.write(to: &text) }
        }
        text.append(UInt8(ascii: "]"))
    }
}
