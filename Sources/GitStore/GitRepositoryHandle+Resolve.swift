internal import CGit2
import FleetTypes
import Foundation

extension GitRepositoryHandle {
    /// Resolves a branch, tag, full or short id, or revspec to the commit it names.
    ///
    /// Annotated tags are peeled to their commit; a revision naming a tree or a blob is a
    /// ``GitStoreError/Code/notACommit`` error, one naming nothing ``GitStoreError/Code/unknownRevision``.
    func resolve(_ spec: String) throws -> Commit {
        try withResolvedCommit(spec) { summary(of: $0) }
    }

    /// Resolves `spec` to a commit, calls `body` with it and frees it.
    func withResolvedCommit<Result>(_ spec: String, _ body: (OpaquePointer) throws -> Result) throws -> Result {
        let operation = "resolving revision"
        guard !spec.isEmpty else {
            throw GitStoreError(.invalidArgument, operation: operation, input: spec, detail: "the revision is empty")
        }
        var object: OpaquePointer?
        let status = git_revparse_single(&object, pointer, spec)
        if status == GIT_ENOTFOUND.rawValue || status == GIT_EAMBIGUOUS.rawValue || status == GIT_EINVALIDSPEC.rawValue {
            let reason = status == GIT_EAMBIGUOUS.rawValue
                ? "the short id is ambiguous; give more characters"
                : "no branch, tag or commit of that name in the mirror; check the name or fetch first"
            throw GitStoreError(
                .unknownRevision, operation: operation, input: spec, detail: reason, libgit2: LibGit2.failure(status))
        }
        try LibGit2.check(status, .unknownRevision, operation, input: spec, detail: "the revision could not be read")
        defer { git_object_free(object) }

        var commit: OpaquePointer?
        let peelStatus = git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
        if peelStatus < 0 {
            let failure = LibGit2.failure(peelStatus)
            throw GitStoreError(
                .notACommit, operation: operation, input: spec,
                detail: "it names \(Self.describeTarget(object)), not a commit; deploy a branch, a commit or a tag "
                    + "on a commit",
                libgit2: failure)
        }
        defer { git_object_free(commit) }
        guard let commit else {
            throw GitStoreError(.notACommit, operation: operation, input: spec, detail: "libgit2 returned no commit")
        }
        return try body(commit)
    }

    /// `a tree`, `a blob`, or `a tag on a blob` for an object that does not peel to a commit.
    static func describeTarget(_ object: OpaquePointer?) -> String {
        func name(_ type: git_object_t) -> String { String(cString: git_object_type2string(type)) }
        guard git_object_type(object) == GIT_OBJECT_TAG else { return "a \(name(git_object_type(object)))" }
        var target: OpaquePointer?
        guard git_tag_peel(&target, object) == 0 else { return "a tag" }
        defer { git_object_free(target) }
        return "a tag on a \(name(git_object_type(target)))"
    }

    /// The summary of a `git_commit *`.
    func summary(of commit: OpaquePointer) -> Commit {
        let author = git_commit_author(commit)
        return Commit(
            id: Revision(LibGit2.hex(git_commit_id(commit))),
            author: author.flatMap { $0.pointee.name.map { String(cString: $0) } } ?? "",
            authorEmail: author.flatMap { $0.pointee.email.map { String(cString: $0) } } ?? "",
            time: Date(timeIntervalSince1970: TimeInterval(git_commit_time(commit))),
            subject: git_commit_summary(commit).map { String(cString: $0) } ?? ""
        )
    }

    /// The commits reachable from `to` and not from `from` (`from..to`), newest first, at most `limit`.
    func history(from: String, to: String, limit: Int) throws -> [Commit] {
        let operation = "listing history"
        let input = "\(from)..\(to)"
        let fromID = try withResolvedCommit(from) { git_commit_id($0).pointee }
        var toID = try withResolvedCommit(to) { git_commit_id($0).pointee }
        var hidden = fromID

        var walker: OpaquePointer?
        try LibGit2.check(git_revwalk_new(&walker, pointer), .history, operation, input: input)
        defer { git_revwalk_free(walker) }
        try LibGit2.check(
            git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), .history, operation,
            input: input)
        try LibGit2.check(git_revwalk_push(walker, &toID), .history, operation, input: input)
        try LibGit2.check(git_revwalk_hide(walker, &hidden), .history, operation, input: input)

        var commits: [Commit] = []
        var next = git_oid()
        while commits.count < limit {
            let status = git_revwalk_next(&next, walker)
            if status == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(status, .history, operation, input: input)
            var commit: OpaquePointer?
            try LibGit2.check(git_commit_lookup(&commit, pointer, &next), .history, operation, input: input)
            defer { git_commit_free(commit) }
            if let commit { commits.append(summary(of: commit)) }
        }
        return commits
    }
}
