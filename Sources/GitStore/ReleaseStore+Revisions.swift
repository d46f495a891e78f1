extension ReleaseStore {
    /// Fetches every branch and tag of `source.url` into the mirror (forced, so rewritten branches
    /// follow the source) and deletes branches the source no longer has. Tags are never deleted.
    ///
    /// - Parameter progress: called on a thread-pool thread, at most every 50 ms and once at the end,
    ///   with the objects and bytes received so far; draw a progress bar with it.
    /// - Returns: the source's branches, the branches pruned, and what was received.
    /// - Throws: ``GitStoreError`` with code `.fetch` (source missing or unreachable, authentication refused).
    @discardableResult
    public func fetch(progress: (@Sendable (FetchProgress) -> Void)? = nil) async throws(GitStoreError) -> FetchResult {
        let url = configuration.sourceURL
        let credentials = configuration.credentials
        return try await withRepository("fetching from the source") { repository in
            try repository.fetch(from: url, credentials: credentials, progress: progress)
        }
    }

    /// Resolves a branch, tag, full or short id, or revspec (`main~2`) to a commit.
    ///
    /// - Throws: ``GitStoreError`` `.unknownRevision` naming `revision`, or `.notACommit` when it names
    ///   a tree or a blob.
    public func resolve(_ revision: String) async throws(GitStoreError) -> Revision {
        try await withRepository("resolving revision") { try $0.resolve(revision) }
    }

    /// The commits in `from..to` (reachable from `to`, not from `from`), newest first.
    ///
    /// - Parameters:
    ///   - from: the revision already deployed (any form ``resolve(_:)`` accepts).
    ///   - to: the revision being deployed.
    ///   - limit: at most this many commits.
    /// - Throws: ``GitStoreError`` `.unknownRevision` naming the revision that does not resolve.
    public func history(from: String, to: String, limit: Int = 100) async throws(GitStoreError) -> [Revision] {
        guard limit >= 0 else {
            throw GitStoreError(
                .invalidArgument, operation: "listing history", input: "\(limit)", detail: "the limit is negative")
        }
        return try await withRepository("listing history") { try $0.history(from: from, to: to, limit: limit) }
    }
}
