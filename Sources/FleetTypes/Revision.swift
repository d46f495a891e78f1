/// A full commit id of the bot's source repository (or, before it is resolved, the ref a request named): what the
/// engine deploys and the release store (GitStore) checks out, tags and marks, passed between them as it is.
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

    /// The first 12 characters of the id.
    public var shortID: String { String(rawValue.prefix(12)) }

    /// The commit id.
    public var description: String { rawValue }
}
