/// A JSON string's text as Foundation's `JSONEncoder` writes it, without the encoder: the admin API's answers and
/// the audit trail's details are written with it.
public enum JSONStringText {
    /// Appends `string` quoted: `"`, `\` and `/` escaped with a backslash, the control characters as `\b`, `\f`,
    /// `\n`, `\r`, `\t` or `\u00xx`; everything else as it is (UTF-8).
    public static func write(_ string: String, to text: inout [UInt8]) {
        text.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // The bytes that need no escape are appended a run at a time.
            var runStart = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/") {
                text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscaped(byte, to: &text)
                runStart = index + 1
            }
            text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        text.append(UInt8(ascii: "\""))
    }

    /// `strings` as a JSON array, as `JSONEncoder` writes it: `["a","b"]` (argv in log headers, a Dockerfile's
    /// exec form).
    public static func array(_ strings: [String]) -> String {
        var text: [UInt8] = [UInt8(ascii: "[")]
        for (index, string) in strings.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            write(string, to: &text)
        }
        text.append(UInt8(ascii: "]"))
        return String(decoding: text, as: UTF8.self)
    }

    private static func appendEscaped(_ byte: UInt8, to text: inout [UInt8]) {
        switch byte {
        case 0x08: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x0C: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        case 0x0A: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0..<0x20:
            text.append(contentsOf: "\\u00".utf8)
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        default:
            text.append(UInt8(ascii: "\\"))
            text.append(byte)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
