import Foundation

/// A full commit id of the bot's source repository (or, before it is resolved, the ref a request named).
public struct Revision: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The commit id as text.
    public var rawValue: String

    /// Wraps a commit id.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Wraps a commit id.
    public init(_ id: String) {
        self.rawValue = id
    }

    /// The commit id.
    public var description: String { rawValue }
}

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

/// A revision that finished a rollout (or that a person tagged), with its tag name.
public struct GoodTag: Hashable, Sendable, Codable {
    /// The tagged revision.
    public var revision: Revision
    /// The annotated tag's name, e.g. `good/20261127T051300Z`.
    public var tag: String

    /// Makes a good tag record.
    public init(revision: Revision, tag: String) {
        self.revision = revision
        self.tag = tag
    }

}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}

extension Date {
    /// This date moved forward by `duration`.
    func adding(_ duration: Duration) -> Date {
        addingTimeInterval(duration.timeInterval)
    }
}
