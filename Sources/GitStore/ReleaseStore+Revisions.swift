public import FleetTypes

extension ReleaseStore {
    /// Fetches what a deployment needs from `source.url`: every branch (forced, so rewritten branches
    /// follow the source), the good tags, and the tag `revision` names, if any. Branches and tags the
    /// source no longer has (or moved) are pruned, except good tags and bad marks. References that
    /// name a blob or a tree are never kept in the mirror (``resolve(_:)`` then reports them as
    /// `.notACommit`), so no content of the source can wedge later fetches.
    ///
    /// - Parameters:
    ///   - revision: the revision about to be resolved (a branch, tag, id or revspec), if any.
    ///   - progress: called on a thread-pool thread, at most every 50 ms and once at the end,
    ///     with the objects and bytes received so far; draw a progress bar with it.
    /// - Returns: the source's branches, the branches and tags pruned, and what was received.
    /// - Throws: ``GitStoreError`` with code `.fetch` naming the source (and the references, when
    ///   downloading or writing them failed): source missing or unreachable, authentication refused.
    @discardableResult
    public func fetch(
        revision: String? = nil, progress: (@Sendable (FetchProgress) -> Void)? = nil
    ) async throws(GitStoreError) -> FetchResult {
        let url = configuration.sourceURL
        try Self.checkLocalSource(url)
        let credentials = configuration.credentials
        let prefix = configuration.goodTagPrefix
        let checked = checkedReferences
        let (result, nowChecked) = try await withRepository("fetching from the source") { repository in
            try repository.fetch(
                from: url, revision: revision, goodTagPrefix: prefix, credentials: credentials, progress: progress,
                checked: checked)
        }
        checkedReferences = nowChecked
        sourceReferencesNamingNoCommit = result.referencesNamingNoCommit
        return result
    }

    /// Resolves a branch, tag, full or short id, or revspec (`main~2`) to a commit.
    ///
    /// - Throws: ``GitStoreError`` `.unknownRevision` naming `revision`, or `.notACommit` when it names
    ///   a tree or a blob (also a source's tag on one, which the mirror does not keep).
    public func resolve(_ revision: String) async throws(GitStoreError) -> Commit {
        let namingNoCommit = sourceReferencesNamingNoCommit
        do {
            return try await withRepository("resolving revision") { try $0.resolve(revision) }
        } catch where error.code == .unknownRevision {
            guard let (name, kind) = FetchSelection.references(named: revision)
                .compactMap({ name in namingNoCommit[name].map { (name, $0) } }).first
            else { throw error }
            throw GitStoreError(
                .notACommit, operation: error.operation, input: revision,
                detail: "the source's \(name) names \(kind), not a commit; deploy a branch, a commit or a tag on a commit")
        }
    }

    /// The commits in `from..to` (reachable from `to`, not from `from`), newest first.
    ///
    /// - Parameters:
    ///   - from: the revision already deployed (any form ``resolve(_:)`` accepts).
    ///   - to: the revision being deployed.
    ///   - limit: at most this many commits.
    /// - Throws: ``GitStoreError`` `.unknownRevision` naming the revision that does not resolve.
    public func history(from: Revision, to: Revision, limit: Int = 100) async throws(GitStoreError) -> [Commit] {
        guard limit >= 0 else {
            throw GitStoreError(
                .invalidArgument, operation: "listing history", input: "\(limit)", detail: "the limit is negative")
        }
        return try await withRepository("listing history") { try $0.history(from: from.rawValue, to: to.rawValue, limit: limit) }
    }
}
