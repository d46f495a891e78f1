/// The id of one launched client: `shard-<instance>.<launch sequence>`.
public struct ClientID: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The id as text, as the client presents it in its credentials.
    public var rawValue: String

    /// Wraps an id received from the channel.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Makes the id of launch number `launch` of `instance`.
    public init(instance: Int, launch: Int) {
        self.rawValue = "shard-\(instance).\(launch)"
    }

    /// The id.
    public var description: String { rawValue }

    /// Orders ids by their text.
    public static func < (lhs: ClientID, rhs: ClientID) -> Bool { lhs.rawValue < rhs.rawValue }
}
