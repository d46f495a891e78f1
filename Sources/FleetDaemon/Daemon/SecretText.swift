import FleetTypes
import Foundation

/// Replaces the daemon's secrets in a text, searching the bytes first: Foundation's replace runs only for a
/// secret the text may hold. Most texts (log lines, the strings of a bot's reports) hold none, and on Linux each
/// replace bridges the text to `NSString`.
enum SecretText {
    /// `text` with every occurrence of each non-empty secret of `secrets` replaced by `marker`.
    static func replacing(_ secrets: [String], in text: String, with marker: String) -> String {
        secrets.reduce(text) { text, secret in
            !secret.isEmpty && mayHold(text, secret) ? text.replacingOccurrences(of: secret, with: marker) : text
        }
    }

    /// Whether `text` may hold `secret`: false only when the secret is ASCII (a token) and its bytes are nowhere in
    /// the text's UTF-8, so that the secret itself is not there; else the replace decides.
    static func mayHold(_ text: String, _ secret: String) -> Bool {
        guard secret.utf8.allSatisfy({ $0 < 0x80 }) else { return true }
        return text.containsBytes(of: secret)
    }
}
