#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The pieces of JSON text ``AnswerEncoder`` and the status document's writer (``AnswerWritable``) write, each as
/// Foundation's `JSONEncoder` writes it (strings: `JSONStringText`).
enum JSONText {
    /// A number's text from Swift's shortest `description`, without the `.0` of a whole number (`12`, `0.04`,
    /// `1e+20`, `-0`).
    static func number(_ description: String) -> String {
        description.hasSuffix(".0") ? String(description.dropLast(2)) : description
    }

    /// Appends ``number(_:)``'s text without making a string of it.
    static func writeNumber(_ description: String, to text: inout [UInt8]) {
        let utf8 = description.utf8
        text.append(contentsOf: utf8.suffix(2).elementsEqual(".0".utf8) ? utf8.dropLast(2) : utf8[...])
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC, the fraction of a second dropped (rounded down, as Foundation's `.iso8601`
    /// date strategy does).
    static func iso8601(_ date: Date) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(20)
        writeISO8601(date, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends ``iso8601(_:)``'s text of `date`, unquoted, without making a string of it.
    static func writeISO8601(_ date: Date, to text: inout [UInt8]) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        writeInteger(Int(parts.tm_year) + 1900, minimumDigits: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        writeInteger(parts.tm_mon + 1, minimumDigits: 2, to: &text)
        text.append(UInt8(ascii: "-"))
        writeInteger(parts.tm_mday, minimumDigits: 2, to: &text)
        text.append(UInt8(ascii: "T"))
        writeInteger(parts.tm_hour, minimumDigits: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        writeInteger(parts.tm_min, minimumDigits: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        writeInteger(parts.tm_sec, minimumDigits: 2, to: &text)
        text.append(UInt8(ascii: "Z"))
    }

    /// Appends `value`'s decimal digits (a `-` before a negative one's), with zeros in front up to `minimumDigits`
    /// digits, without making a string of them.
    static func writeInteger(_ value: some BinaryInteger, minimumDigits: Int = 1, to text: inout [UInt8]) {
        if value < 0 { text.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(value.magnitude)
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let end = text.count + max(digits, minimumDigits)
        text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(digits, minimumDigits)))
        var index = end - 1
        while magnitude > 0 {
            text[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        }
    }

    /// `members` ordered by their keys' UTF-8 bytes, as Foundation's `.sortedKeys` orders them; of a key that
    /// occurs more than once, the last member. Members already in that order (most objects) are returned as they
    /// are.
    static func sortedByKey<Member>(_ members: [Member], key: (Member) -> String) -> [Member] {
        if zip(members, members.dropFirst()).allSatisfy({ key($0).utf8.lexicographicallyPrecedes(key($1).utf8) }) {
            return members
        }
        let ordered = members.enumerated().sorted { left, right in
            key(left.element) == key(right.element)
                ? left.offset < right.offset
                : key(left.element).utf8.lexicographicallyPrecedes(key(right.element).utf8)
        }.map(\.element)
        return ordered.enumerated().compactMap { index, member in
            index + 1 < ordered.count && key(ordered[index + 1]) == key(member) ? nil : member
        }
    }
}
