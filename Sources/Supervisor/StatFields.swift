/// The fields of a `/proc/<pid>/stat` line after the command name, or of a `/proc/<pid>/statm` line, read from its
/// bytes: a stat line's command name (field 2) is in parentheses and may itself hold spaces and parentheses, so its
/// fields are counted after the last `)`.
///
/// Byte-level on purpose: `status --json` reads a line of every client, and splitting it as a `String` (grapheme
/// by grapheme) cost more than reading the file did.
struct StatFields {
    private let bytes: [UInt8]
    /// The byte ranges of the fields from ``firstNumber`` on, in order.
    private let ranges: [Range<Int>]
    /// The number proc(5) gives the first field in ``ranges``: 3 (the state) in a stat line, 1 (the size) in statm.
    private let firstNumber: Int

    /// Splits a stat line's `bytes`; nil when the line has no `)`.
    init?(_ bytes: [UInt8]) {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        self.init(bytes, from: close + 1, firstNumber: 3)
    }

    /// Splits a statm line's `bytes` (`size resident shared text lib data dt`, numbered from 1).
    init(statm bytes: [UInt8]) {
        self.init(bytes, from: bytes.startIndex, firstNumber: 1)
    }

    private init(_ bytes: [UInt8], from start: Int, firstNumber: Int) {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(52)
        var first: Int?
        for index in bytes.indices[start...] {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") {
                if let begun = first { ranges.append(begun..<index) }
                first = nil
            } else if first == nil {
                first = index
            }
        }
        if let begun = first { ranges.append(begun..<bytes.endIndex) }
        self.bytes = bytes
        self.ranges = ranges
        self.firstNumber = firstNumber
    }

    /// How many fields the line has from the first numbered one.
    var count: Int { ranges.count }

    /// Field `number` (as proc(5) numbers them: 3 is a stat line's state, 2 statm's resident pages) as an unsigned
    /// decimal; nil when it is missing or not a number.
    func unsigned(_ number: Int) -> UInt64? {
        let index = number - firstNumber
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
        let index = number - firstNumber
        return ranges.indices.contains(index) ? bytes[ranges[index].lowerBound] : nil
    }

}
