/// The fields of a `/proc/<pid>/stat` line after the command name, read from its bytes: the command name (field 2)
/// is in parentheses and may itself hold spaces and parentheses, so fields are counted after the last `)`.
///
/// Byte-level on purpose: `status --json` reads the line of every client, and splitting it as a `String` (grapheme
/// by grapheme) cost more than reading the file did.
struct StatFields {
    private let bytes: [UInt8]
    /// The byte ranges of fields 3, 4, 5, ... in order.
    private let ranges: [Range<Int>]

    /// Splits `bytes`; nil when the line has no `)`.
    init?(_ bytes: [UInt8]) {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(52)
        var start: Int?
        for index in bytes.indices[(close + 1)...] {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") {
                if let first = start { ranges.append(first..<index) }
                start = nil
            } else if start == nil {
                start = index
            }
        }
        if let first = start { ranges.append(first..<bytes.endIndex) }
        self.bytes = bytes
        self.ranges = ranges
    }

    /// Field `number` (as proc(5) numbers them: 3 is the state) as an unsigned decimal; nil when it is missing or
    /// not a number.
    func unsigned(_ number: Int) -> UInt64? {
        let index = number - 3
        guard ranges.indices.contains(index) else { return nil }
        var value: UInt64 = 0
        for byte in bytes[ranges[index]] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum else { return nil }
            value = sum
        }
        return value
    }

    /// The first byte of field `number`; nil when it is missing.
    func firstByte(_ number: Int) -> UInt8? {
        let index = number - 3
        return ranges.indices.contains(index) ? bytes[ranges[index].lowerBound] : nil
    }

}
