public import FleetTypes
import Foundation

extension ReleaseStore {
    /// Tags a revision good: an annotated tag `<good_tag_prefix><UTC yyyyMMdd'T'HHmmss'Z'>` whose message
    /// carries the deployment id and the health summary; pushed to the source when `push_tags` is set.
    ///
    /// Two good tags within one second get consecutive timestamps (the second is bumped by one second).
    /// - Parameters:
    ///   - revision: the full id (or any form ``resolve(_:)`` accepts) of the revision that finished its rollout.
    ///   - deployment: the deployment id.
    ///   - health: a one-line health summary.
    /// - Throws: ``GitStoreError`` `.tag`, `.unknownRevision`; `.push` when the tag was created but the
    ///   push failed (the tag stays in the mirror; ``pushGoodTag(_:)`` retries).
    @discardableResult
    public func markGood(
        _ revision: Revision, deployment: String, health: String
    ) async throws(GitStoreError) -> GoodTagDetails {
        let id = try await fullID(of: revision)
        let prefix = configuration.goodTagPrefix
        let date = configuration.now()
        let tagger = taggerIdentity
        let message = GoodTagMessage.make(deployment: deployment, health: health)
        let tag = try await withRepository("creating a good tag") { repository in
            try repository.createGoodTag(on: id, prefix: prefix, date: date, tagger: tagger, message: message)
        }
        if configuration.pushTags {
            try await pushGoodTag(tag.name)
        }
        return tag
    }

    /// Pushes the good tag `name` (without `refs/tags/`) to the source.
    /// - Throws: ``GitStoreError`` `.push` naming the tag and the source.
    public func pushGoodTag(_ name: String) async throws(GitStoreError) {
        let url = configuration.sourceURL
        let credentials = configuration.credentials
        try await withRepository("pushing a good tag") { repository in
            try repository.push(["refs/tags/\(name)"], to: url, credentials: credentials)
        }
    }

    /// Every good tag (annotated or lightweight, made here or by a person) on a commit, newest first:
    /// annotated tags by tagger date, lightweight ones by their commit's time.
    public func goodTags() async throws(GitStoreError) -> [GoodTagDetails] {
        let prefix = configuration.goodTagPrefix
        return try await withRepository("listing good tags") { try $0.goodTags(prefix: prefix) }
    }

    /// Marks a revision bad, with a reason; a later mark replaces an earlier one.
    ///
    /// Stored in the mirror as `refs/urban-robot/bad/<full id>`, pointing at an annotation (a tag object
    /// without a tag ref) on the commit, whose message is the reason and whose tagger date is `now`.
    /// Fetches never touch `refs/urban-robot/`, and the ref keeps the commit from being collected.
    /// - Throws: ``GitStoreError`` `.badMark`, `.unknownRevision`.
    @discardableResult
    public func markBad(_ revision: Revision, reason: String) async throws(GitStoreError) -> BadMark {
        let id = try await fullID(of: revision)
        let date = configuration.now()
        let tagger = taggerIdentity
        return try await withRepository("marking a revision bad") { repository in
            try repository.markBad(id, reason: reason, date: date, tagger: tagger)
        }
    }

    /// Removes the bad mark of a full commit id; returns whether there was one.
    @discardableResult
    public func unmarkBad(_ id: Revision) async throws(GitStoreError) -> Bool {
        try await withRepository("unmarking a bad revision") { try $0.unmarkBad(id.rawValue) }
    }

    /// Whether a full commit id is marked bad.
    public func isBad(_ id: Revision) async throws(GitStoreError) -> Bool {
        try await withRepository("reading a bad mark") { $0.isBad(id.rawValue) }
    }

    /// Every revision marked bad, newest mark first.
    public func badRevisions() async throws(GitStoreError) -> [BadMark] {
        try await withRepository("listing bad revisions") { try $0.badMarks() }
    }

    /// `revision` when it is a full id, else the full id it resolves to.
    private func fullID(of revision: Revision) async throws(GitStoreError) -> String {
        Self.isFullID(revision.rawValue) ? revision.rawValue : try await resolve(revision.rawValue).id.rawValue
    }

    private var taggerIdentity: TaggerIdentity {
        TaggerIdentity(name: configuration.taggerName, email: configuration.taggerEmail)
    }
}
