internal import CGit2

extension ReleaseStore {
    /// Whether commit `revision` descends from commit `ancestor` (libgit2's `git_graph_descendant_of`):
    /// `ancestor` is reachable from `revision` through parents. A commit is not its own descendant.
    ///
    /// Both are resolved in the mirror (any form ``resolve(_:)`` accepts); fetch first to know new commits.
    /// - Throws: ``GitStoreError`` `.unknownRevision` naming the revision that does not resolve, `.history`
    ///   when the commit graph cannot be read.
    public func isDescendant(_ revision: String, of ancestor: String) async throws(GitStoreError) -> Bool {
        try await withRepository("checking ancestry") { try $0.isDescendant(revision, of: ancestor) }
    }
}

extension GitRepositoryHandle {
    /// Whether `revision` descends from `ancestor`; see ``ReleaseStore/isDescendant(_:of:)``.
    func isDescendant(_ revision: String, of ancestor: String) throws -> Bool {
        var revisionID = try withResolvedCommit(revision) { git_commit_id($0).pointee }
        var ancestorID = try withResolvedCommit(ancestor) { git_commit_id($0).pointee }
        let status = git_graph_descendant_of(pointer, &revisionID, &ancestorID)
        try LibGit2.check(status, .history, "checking ancestry", input: "\(revision) of \(ancestor)")
        return status == 1
    }
}
