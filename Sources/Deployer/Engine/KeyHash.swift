import Crypto
public import FleetTypes
public import Foundation

/// The SHA-256 digest of a launch key: all the engine and the store keep of it.
public struct KeyHash: Hashable, Sendable, Codable {
    /// The 32 digest bytes.
    public var bytes: Data

    /// Wraps stored digest bytes.
    public init(bytes: Data) {
        self.bytes = bytes
    }

    /// Hashes a key.
    public init(key: String) {
        self.bytes = Data(SHA256.hash(data: Data(key.utf8)))
    }

    /// Whether `key` hashes to this digest, compared in constant time.
    public func matches(_ key: String) -> Bool {
        let other = KeyHash(key: key).bytes
        guard other.count == bytes.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(bytes, other) { difference |= left ^ right }
        return difference == 0
    }
}

/// Makes the secret keys of launches (randomness, injected).
public protocol KeySource: Sendable {
    /// A fresh key for the launch of `client` (client ids are never reused).
    mutating func nextKey(for client: ClientID) -> String
}

/// Keys of 32 bytes from the system's random generator, as hex.
public struct SystemKeySource: KeySource {
    /// Makes the source.
    public init() {}

    /// A fresh 256-bit key, whatever the client.
    public mutating func nextKey(for client: ClientID) -> String {
        var generator = SystemRandomNumberGenerator()
        return lowercaseHex((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
