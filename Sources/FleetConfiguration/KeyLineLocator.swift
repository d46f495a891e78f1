import Foundation

/// Finds the line on which a dotted key is written in a TOML text, for error messages.
///
/// It understands what configuration files use: `[table]` headers, `key = value`
/// lines, quoted keys and comments. A key it cannot place has no line.
struct KeyLineLocator {
    private var tableLines: [String: Int] = [:]
    private var keyLines: [String: Int] = [:]

    /// Indexes `text` once.
    init(text: String) {
        var table = ""
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("[") {
                let name = line.dropFirst().prefix { $0 != "]" }
                table = Self.unquoted(name)
                if tableLines[table] == nil { tableLines[table] = lineNumber }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = Self.unquoted(line[..<equals])
            let dotted = table.isEmpty ? key : "\(table).\(key)"
            if keyLines[dotted] == nil { keyLines[dotted] = lineNumber }
        }
    }

    /// The line of `dottedKey`, or of its table when the key itself is not written there.
    func line(of dottedKey: String) -> Int? {
        if let line = keyLines[dottedKey] ?? tableLines[dottedKey] { return line }
        var parts = dottedKey.split(separator: ".").map(String.init)
        while parts.count > 1 {
            parts.removeLast()
            let prefix = parts.joined(separator: ".")
            if let line = keyLines[prefix] ?? tableLines[prefix] { return line }
        }
        return nil
    }

    private static func unquoted(_ text: Substring) -> String {
        text.split(separator: ".").map { part in
            part.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }.joined(separator: ".")
    }
}
