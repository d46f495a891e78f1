public import FleetTypes

extension JSONValue {
    /// The compact JSON text of this value, as JavaScript's `JSON.stringify` writes it.
    ///
    /// ``binary(_:)`` values are written as Socket.IO attachment placeholders
    /// (`{"_placeholder":true,"num":N}`), numbered in order of appearance.
    public var jsonString: String {
        var output = ""
        var attachments: [[UInt8]] = []
        encode(into: &output, attachments: &attachments)
        return output
    }

    /// This value with each ``binary(_:)`` replaced by the attachment placeholder that ``jsonString`` writes for it
    /// (`{"_placeholder":true,"num":N}`, numbered in order of appearance): a value without binary, so it encodes
    /// with `Codable`.
    public var withAttachmentPlaceholders: JSONValue {
        var attachments = 0
        return replacingBinary(numbering: &attachments)
    }

    private func replacingBinary(numbering attachments: inout Int) -> JSONValue {
        switch self {
        case .null, .bool, .number, .string:
            return self
        case .array(let elements):
            return .array(elements.map { $0.replacingBinary(numbering: &attachments) })
        case .object(let members):
            return .object(members.map { JSONMember($0.key, $0.value.replacingBinary(numbering: &attachments)) })
        case .binary:
            defer { attachments += 1 }
            return ["_placeholder": true, "num": .number(Double(attachments))]
        }
    }

    /// Appends the compact JSON text to `output`; binary values become placeholders and their
    /// bytes are appended to `attachments` (depth first, the order the JavaScript reference uses).
    func encode(into output: inout String, attachments: inout [[UInt8]]) {
        switch self {
        case .null:
            output += "null"
        case .bool(let bool):
            output += bool ? "true" : "false"
        case .number(let number):
            Self.encode(number: number, into: &output)
        case .string(let string):
            Self.encode(string: string, into: &output)
        case .array(let elements):
            output += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { output += "," }
                element.encode(into: &output, attachments: &attachments)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (position, member) in members.enumerated() {
                if position > 0 { output += "," }
                Self.encode(string: member.key, into: &output)
                output += ":"
                member.value.encode(into: &output, attachments: &attachments)
            }
            output += "}"
        case .binary(let bytes):
            output += "{\"_placeholder\":true,\"num\":\(attachments.count)}"
            attachments.append(bytes)
        }
    }

    static func encode(number: Double, into output: inout String) {
        guard number.isFinite else {
            output += "null"
            return
        }
        if number == number.rounded(), abs(number) < 1e18 {
            output += String(Int64(number))
            return
        }
        // Swift writes `1e-07` where JavaScript writes `1e-7`: drop the exponent's leading zeros.
        let text = number.description
        guard let exponentMark = text.firstIndex(of: "e") else {
            output += text
            return
        }
        var exponent = text[text.index(after: exponentMark)...]
        output += text[...exponentMark]
        if let sign = exponent.first, sign == "-" || sign == "+" {
            output.append(sign)
            exponent = exponent.dropFirst()
        }
        let digits = exponent.drop { $0 == "0" }
        output += digits.isEmpty ? "0" : digits
    }

    static func encode(string: String, into output: inout String) {
        output += "\""
        var needsEscaping = false
        for byte in string.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscaping = true
            break
        }
        guard needsEscaping else {
            output += string
            output += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
