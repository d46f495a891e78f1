/// Sizes written as text in the configuration: `"512M"`, `"2G"`, `"64K"`, `"1048576"` (bytes), `"0"`.
enum ByteSizeText {
    /// The size in bytes; nil when `text` is not a size.
    static func parse(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text.uppercased())
        var multiplier = 1
        if let unit = digits.last, let factor = units[unit] {
            multiplier = factor
            digits = digits.dropLast()
        }
        guard let count = Int(digits), count >= 0 else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }
}
