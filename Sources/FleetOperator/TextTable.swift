import AdminAPI
import Foundation

/// Columns of text aligned with spaces, for tables a person reads in a terminal.
struct TextTable {
    /// The header row.
    var header: [String]
    /// The rows, each as long as the header.
    var rows: [[String]] = []

    /// The table, one line per row, columns two spaces apart, without trailing spaces; control characters in a
    /// cell are shown as `?` (cells may hold what a bot sent).
    func render() -> String {
        let all = ([header] + rows).map { $0.map(TerminalText.sanitized) }
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
