import Foundation
import GRDB

/// A date as the store writes it: GRDB's text format `yyyy-MM-dd HH:mm:ss.SSS` in UTC (milliseconds truncated),
/// made by arithmetic instead of GRDB's `DateFormatter`, which goes through ICU on every call and was a large part
/// of an engine step's cost. The text is the one GRDB writes and reads back, so databases written before and
/// after read the same.
enum StoredDate {
    /// The database value of `date` (NULL for nil).
    static func value(_ date: Date?) -> DatabaseValue {
        guard let date else { return .null }
        return text(date).databaseValue
    }

    /// `date` to the millisecond it is stored with: what a read of it gives back.
    static func stored(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(Int64((date.timeIntervalSince1970 * 1000).rounded())) / 1000)
    }

    /// `date` as `yyyy-MM-dd HH:mm:ss.SSS` in UTC, written byte by byte (each audit entry stores one: a `String`
    /// per field and their concatenation were 6 % of an engine step's transaction).
    static func text(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, dayMilliseconds) = floorDivision(milliseconds, 86_400_000)
        let (year, month, day) = civilDate(daysSince1970: days)
        let seconds = dayMilliseconds / 1000
        // At most a sign, 19 digits of a year and the 19 bytes after it.
        return String(unsafeUninitializedCapacity: 40) { text in
            var end = 0
            if year < 0 { text[0] = UInt8(ascii: "-"); end = 1 }
            write(abs(year), width: 4, then: "-", to: text, at: &end)
            write(month, width: 2, then: "-", to: text, at: &end)
            write(day, width: 2, then: " ", to: text, at: &end)
            write(seconds / 3600, width: 2, then: ":", to: text, at: &end)
            write(seconds / 60 % 60, width: 2, then: ":", to: text, at: &end)
            write(seconds % 60, width: 2, then: ".", to: text, at: &end)
            write(dayMilliseconds % 1000, width: 3, then: nil, to: text, at: &end)
            return end
        }
    }

    /// Writes the decimal digits of `value` (not negative), with leading zeros to `width` digits at least, then
    /// `separator`, at `end` in `text`, and moves `end` past them.
    private static func write(
        _ value: Int64, width: Int, then separator: Unicode.Scalar?, to text: UnsafeMutableBufferPointer<UInt8>,
        at end: inout Int
    ) {
        var digits = 1
        var rest = value / 10
        while rest > 0 { digits += 1; rest /= 10 }
        digits = max(digits, width)
        rest = value
        for offset in stride(from: end + digits - 1, through: end, by: -1) {
            text[offset] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        end += digits
        if let separator {
            text[end] = UInt8(ascii: separator)
            end += 1
        }
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = floorDivision(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }
}
