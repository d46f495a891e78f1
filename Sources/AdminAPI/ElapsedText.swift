package import Foundation

/// How long something took or has left, as the CLI's tables and the daemon's progress sentences write it.
package enum ElapsedText {
    /// `42s`, `3m05s`, `2h07m`, `3d04h`.
    package static func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds.rounded()))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        switch total {
        case ..<60: return "\(total)s"
        case ..<3600: return "\(total / 60)m\(two(total % 60))s"
        case ..<86400: return "\(total / 3600)h\(two(total % 3600 / 60))m"
        default: return "\(total / 86400)d\(two(total % 86400 / 3600))h"
        }
    }
}
