import TOMLKit

/// Reads the typed values of one `[table]` of a configuration file, and then
/// reports any key of that table that nothing read as unknown.
///
/// Every error names the dotted key and, where it can be found, its line.
struct TOMLSectionReader {
    /// The table's name (`rollout`).
    let name: String
    private let table: TOMLTable?
    private let file: String?
    private let locator: KeyLineLocator
    private var consumed: Set<String> = []

    /// A reader of `table` (nil when the file has no such table: every key is then absent).
    init(name: String, table: TOMLTable?, file: String?, locator: KeyLineLocator) {
        self.name = name
        self.table = table
        self.file = file
        self.locator = locator
    }

    /// Whether the table has `key` at all.
    func contains(_ key: String) -> Bool {
        table?.contains(key: key) ?? false
    }

    /// An error about `key` of this table, located in the file.
    func error(_ code: ConfigurationError.Code, key: String, _ message: String) -> ConfigurationError {
        let dotted = "\(name).\(key)"
        return ConfigurationError(code: code, file: file, key: dotted, line: locator.line(of: dotted), message: message)
    }

    /// A string value.
    mutating func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = take(key) else { return nil }
        guard let string = value.string else { throw wrongType(key, value, expected: "a string") }
        return string
    }

    /// An integer value within `range`.
    mutating func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let value = take(key) else { return nil }
        guard value.type == .int, let integer = value.int else { throw wrongType(key, value, expected: "an integer") }
        guard range.contains(integer) else {
            let upper = range.upperBound == .max ? "" : " and at most \(range.upperBound)"
            throw error(.invalidValue, key: key, "must be at least \(range.lowerBound)\(upper), not \(integer)")
        }
        return integer
    }

    /// A number (integer or floating point) within `range`.
    mutating func number(_ key: String, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double? {
        guard let value = take(key) else { return nil }
        let number = value.type == .int ? value.int.map(Double.init) : value.double
        guard let number, value.type == .int || value.type == .double else { throw wrongType(key, value, expected: "a number") }
        guard range.contains(number) else {
            throw error(.invalidValue, key: key, "must be from \(range.lowerBound) to \(range.upperBound), not \(number)")
        }
        return number
    }

    /// A boolean value.
    mutating func boolean(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let value = take(key) else { return nil }
        guard value.type == .bool, let boolean = value.bool else { throw wrongType(key, value, expected: "true or false") }
        return boolean
    }

    /// A duration written as a string (`"30s"`), at least `minimum`.
    mutating func duration(_ key: String, minimum: Duration = .zero) throws(ConfigurationError) -> Duration? {
        guard let value = take(key) else { return nil }
        guard let text = value.string else {
            throw wrongType(key, value, expected: #"a duration string such as "250ms", "30s" or "5m""#)
        }
        guard let duration = DurationText.parse(text) else {
            throw error(.invalidValue, key: key, #"'\#(text)' is not a duration; write for example "250ms", "30s", "5m" or "1h""#)
        }
        guard duration >= minimum else {
            throw error(.invalidValue, key: key, "must be at least \(DurationText.format(minimum)), not '\(text)'")
        }
        return duration
    }

    /// An array of strings.
    mutating func stringArray(_ key: String) throws(ConfigurationError) -> [String]? {
        guard let value = take(key) else { return nil }
        guard let array = value.array else { throw wrongType(key, value, expected: "an array of strings") }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else {
                throw wrongType(key, element, expected: "an array of strings")
            }
            strings.append(string)
        }
        return strings
    }

    /// A table of string values (`env = { NAME = "value" }`).
    mutating func stringTable(_ key: String) throws(ConfigurationError) -> [String: String]? {
        guard let value = take(key) else { return nil }
        guard let table = value.table else { throw wrongType(key, value, expected: "a table of strings") }
        var strings: [String: String] = [:]
        for entry in table.keys {
            guard let string = table[entry]?.string else {
                throw error(.wrongType, key: "\(key).\(entry)", "must be a string")
            }
            strings[entry] = string
        }
        return strings
    }

    /// Throws for the first key of the table that no read consumed.
    func rejectUnknownKeys() throws(ConfigurationError) {
        guard let table else { return }
        for key in table.keys.sorted() where !consumed.contains(key) {
            throw error(.unknownKey, key: key, "is not a key of [\(name)]; see the configuration reference in the README")
        }
    }

    private mutating func take(_ key: String) -> (any TOMLValueConvertible)? {
        consumed.insert(key)
        return table?[key]
    }

    private func wrongType(_ key: String, _ value: any TOMLValueConvertible, expected: String) -> ConfigurationError {
        error(.wrongType, key: key, "must be \(expected), not \(value.type) \(value.debugDescription)")
    }
}
