import Crypto
public import FleetTypes
import Foundation

/// Launch keys derived from a secret of the daemon: the key of `shard-0.7` is HMAC-SHA256(secret, "shard-0.7") as
/// 64 lowercase hex digits. As unpredictable as random keys to whoever lacks the secret (client ids are never
/// reused), and a restarted daemon, which keeps only each key's hash, can tell the key of a client it adopts again,
/// so that the client's log is redacted of it exactly as it was at the launch.
///
/// ```swift
/// let keys = DerivedKeySource(secret: secretFromAPrivateFile)
/// var engine = DeploymentEngine(settings: settings, keys: keys, recovered: recovered)
/// let key = keys.key(for: ClientID(rawValue: "shard-0.7"))   // the key that launch got
/// ```
public struct DerivedKeySource: KeySource {
    private let secret: Data

    /// A source deriving from `secret` (at least 32 random bytes' worth of text).
    public init(secret: String) {
        self.secret = Data(secret.utf8)
    }

    /// The key of `client`.
    public func key(for client: ClientID) -> String {
        lowercaseHex(HMAC<SHA256>.authenticationCode(for: Data(client.rawValue.utf8), using: SymmetricKey(data: secret)))
    }

    /// The key of `client` (``key(for:)``).
    public mutating func nextKey(for client: ClientID) -> String {
        key(for: client)
    }
}

/// `bytes` as lowercase hexadecimal digits, two per byte.
func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
}
