/// A revision that finished a rollout (or that a person tagged), with its tag name: what the engine rolls back to.
/// The release store makes and lists them (GitStore's `GoodTagDetails` adds the tag's date and message).
public struct GoodTag: Hashable, Sendable, Codable {
    /// The tagged revision.
    public var revision: Revision
    /// The tag's name without `refs/tags/`, e.g. `good/20261127T051300Z`.
    public var tag: String

    /// Makes a good tag record.
    public init(revision: Revision, tag: String) {
        self.revision = revision
        self.tag = tag
    }
}
