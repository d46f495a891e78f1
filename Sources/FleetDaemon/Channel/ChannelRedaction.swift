import FleetTypes
import Foundation
import SocketIO

/// Removes the secrets a bot may echo back (the Discord token, its launch key) from what it sends, before anything
/// is kept, shown, reported to the engine or logged: every occurrence in a string or an object key becomes
/// `<redacted>`.
enum ChannelRedaction {
    /// What a secret becomes.
    static let marker = "<redacted>"

    /// `value` with every occurrence of each non-empty secret replaced by ``marker``, at any depth.
    static func redact(_ value: JSONValue, secrets: [String]) -> JSONValue {
        let secrets = secrets.filter { !$0.isEmpty }
        guard !secrets.isEmpty else { return value }
        return redacting(value, secrets)
    }

    /// `text` with every occurrence of each non-empty secret replaced by ``marker``.
    static func redact(_ text: String, secrets: [String]) -> String {
        SecretText.replacing(secrets, in: text, with: marker)
    }

    private static func redacting(_ value: JSONValue, _ secrets: [String]) -> JSONValue {
        switch value {
        case .string(let text):
            .string(redact(text, secrets: secrets))
        case .array(let elements):
            .array(elements.map { redacting($0, secrets) })
        case .object(let members):
            .object(members.map { JSONMember(redact($0.key, secrets: secrets), redacting($0.value, secrets)) })
        case .null, .bool, .number, .binary:
            value
        }
    }
}
