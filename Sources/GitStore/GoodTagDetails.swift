public import FleetTypes
public import Foundation

/// A good tag as the repository holds it: the ``GoodTag`` the engine rolls back to (revision and name), plus
/// its date and message. `<prefix><UTC timestamp>`, annotated by urban-robot, or made by a person.
public struct GoodTagDetails: Sendable, Hashable, CustomStringConvertible {
    /// The tagged commit (annotated tags peeled) and the tag name without `refs/tags/`, e.g.
    /// `good/20261127T051300Z`.
    public let goodTag: GoodTag
    /// The tagger date of an annotated tag; the commit time of a lightweight one.
    public let date: Date
    /// Whether the tag is an annotated tag object.
    public let isAnnotated: Bool
    /// The tag message (empty for a lightweight tag).
    public let message: String

    /// Creates a good tag description.
    public init(name: String, revision: Revision, date: Date, isAnnotated: Bool, message: String) {
        self.goodTag = GoodTag(revision: revision, tag: name)
        self.date = date
        self.isAnnotated = isAnnotated
        self.message = message
    }

    /// The tag name without `refs/tags/`.
    public var name: String { goodTag.tag }

    /// The full id of the tagged commit.
    public var revision: Revision { goodTag.revision }

    /// The deployment id from a message written by ``ReleaseStore/markGood(_:deployment:health:)``.
    public var deploymentID: String? { GoodTagMessage.value(of: GoodTagMessage.deploymentKey, in: message) }

    /// The health summary from a message written by ``ReleaseStore/markGood(_:deployment:health:)``.
    public var health: String? { GoodTagMessage.value(of: GoodTagMessage.healthKey, in: message) }

    /// `<name> → <short id>`.
    public var description: String { "\(name) -> \(revision.shortID)" }
}

/// A revision marked bad: automatic deployments skip it.
public struct BadMark: Sendable, Hashable {
    /// The full commit id.
    public let revision: String
    /// Why it was marked bad.
    public let reason: String
    /// When it was marked bad.
    public let markedAt: Date

    /// Creates a bad mark description.
    public init(revision: String, reason: String, markedAt: Date) {
        self.revision = revision
        self.reason = reason
        self.markedAt = markedAt
    }
}

/// The layout of a good tag's message: a title line, then `key: value` lines.
enum GoodTagMessage {
    static let deploymentKey = "deployment"
    static let healthKey = "health"

    /// The message written for a deployment that finished its rollout.
    static func make(deployment: String, health: String) -> String {
        let flattenedHealth = health.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "urban-robot: good\n\n\(deploymentKey): \(deployment)\n\(healthKey): \(flattenedHealth)\n"
    }

    /// The value of the `key: value` line for `key`, if any.
    static func value(of key: String, in message: String) -> String? {
        let prefix = "\(key): "
        return message.split(whereSeparator: \.isNewline)
            .first { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)) }
    }
}
