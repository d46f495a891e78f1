import Foundation

/// Durations as the configuration writes them: `"250ms"`, `"30s"`, `"5m"`, `"1h30m"`, `"1.5s"`, `"0"`.
public enum DurationText {
    private static let unitsInMilliseconds: [(suffix: String, milliseconds: Double)] = [
        ("ms", 1), ("h", 3_600_000), ("m", 60_000), ("s", 1_000),
    ]

    /// Parses a duration; nil when the text is not one (negative, empty, unknown unit).
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "0" { return .zero }
        var rest = Substring(trimmed)
        var totalMilliseconds = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = unitsInMilliseconds.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            totalMilliseconds += value * unit.milliseconds
        }
        guard totalMilliseconds.isFinite, totalMilliseconds < 1e15 else { return nil }
        return .nanoseconds(Int64((totalMilliseconds * 1_000_000).rounded()))
    }

    /// Formats a duration the way the configuration writes it, in the largest exact unit.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000
            + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        for (suffix, unit) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000)] where milliseconds % Int64(unit) == 0 {
            return "\(milliseconds / Int64(unit))\(suffix)"
        }
        return "\(milliseconds)ms"
    }
}
