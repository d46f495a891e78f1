internal import CGit2
import Foundation

/// An open libgit2 repository, used and freed inside one synchronous closure on one thread.
///
/// Not `Sendable` on purpose: libgit2 handles must not cross threads. Every ``ReleaseStore`` operation
/// opens its own handle with ``withRepository(at:operation:_:)``; the handle is freed when the closure returns.
final class GitRepositoryHandle {
    /// The `git_repository *`.
    let pointer: OpaquePointer
    /// The path of the bare repository, for error messages.
    let path: String

    private init(pointer: OpaquePointer, path: String) {
        self.pointer = pointer
        self.path = path
    }

    deinit {
        git_repository_free(pointer)
    }

    /// Opens the repository at `path`, runs `body` with it, and frees it.
    static func withRepository<Result>(
        at path: String,
        operation: String,
        _ body: (GitRepositoryHandle) throws -> Result
    ) throws -> Result {
        var repository: OpaquePointer?
        try LibGit2.check(
            git_repository_open_bare(&repository, path), .repository, operation, input: path,
            detail: "the mirror could not be opened")
        guard let repository else {
            throw GitStoreError(.repository, operation: operation, input: path, detail: "libgit2 returned no repository")
        }
        let handle = GitRepositoryHandle(pointer: repository, path: path)
        return try body(handle)
    }

    /// Opens the bare repository at `path`, creating it when it does not exist, and points its `HEAD`
    /// at `refs/heads/<branch>` so that `HEAD` resolves to the configured branch.
    static func createOrOpen(at path: String, branch: String) throws {
        var repository: OpaquePointer?
        let operation = "opening the mirror"
        if git_repository_open_bare(&repository, path) < 0 {
            try LibGit2.check(
                git_repository_init(&repository, path, 1), .repository, "creating the mirror", input: path,
                detail: "check that the state directory is writable")
        }
        defer { git_repository_free(repository) }
        try LibGit2.check(
            git_repository_set_head(repository, "refs/heads/\(branch)"), .repository, operation, input: branch,
            detail: "HEAD could not point at the configured branch; check source.branch")
    }

    /// Looks up the commit with the full id `id`, calls `body` with it and frees it.
    func withCommit<Result>(
        id: String,
        operation: String,
        _ body: (OpaquePointer) throws -> Result
    ) throws -> Result {
        var oid = git_oid()
        guard git_oid_fromstrn(&oid, id, id.utf8.count) == 0, id.utf8.count == Int(GIT_OID_HEXSZ) else {
            throw GitStoreError(
                .invalidArgument, operation: operation, input: id, detail: "not a full 40-hex commit id")
        }
        var commit: OpaquePointer?
        let status = git_commit_lookup(&commit, pointer, &oid)
        if status == GIT_ENOTFOUND.rawValue {
            throw GitStoreError(
                .unknownRevision, operation: operation, input: id,
                detail: "no such commit in the mirror; fetch first, or check the id", libgit2: LibGit2.failure(status))
        }
        try LibGit2.check(status, .unknownRevision, operation, input: id, detail: "the commit could not be read")
        defer { git_commit_free(commit) }
        guard let commit else {
            throw GitStoreError(.unknownRevision, operation: operation, input: id, detail: "libgit2 returned no commit")
        }
        return try body(commit)
    }
}
