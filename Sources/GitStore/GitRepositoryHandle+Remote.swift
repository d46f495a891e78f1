internal import CGit2
import Foundation

extension GitRepositoryHandle {
    /// The refspecs a fetch uses: every branch and every tag, forced, so rewritten branches update.
    static let fetchRefspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]

    /// Fetches every branch and tag of `url` into this mirror and deletes branches the source no longer has.
    ///
    /// Tags are never pruned: the mirror holds good tags that only exist here.
    func fetch(
        from url: String,
        credentials: GitCredentials,
        progress: (@Sendable (FetchProgress) -> Void)?
    ) throws -> FetchResult {
        let operation = "fetching from the source"
        let input = SourceURL.redacted(url)
        let context = RemoteCallbackContext(credentials: credentials, progress: progress)
        var callbacks = context.callbacks()
        return try withAnonymousRemote(url, code: .fetch, operation: operation) { remote in
            try LibGit2.check(
                git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, nil, nil), .fetch, operation, input: input,
                detail: "the source could not be reached; check source.url and its credentials")
            defer { git_remote_disconnect(remote) }
            let branches = try remoteBranches(remote, operation: operation, input: input)

            var options = git_fetch_options()
            git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
            options.callbacks = callbacks
            options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
            options.prune = GIT_FETCH_NO_PRUNE
            try LibGit2.withStringArray(Self.fetchRefspecs) { refspecs in
                try LibGit2.check(
                    git_remote_download(remote, refspecs, &options), .fetch, operation, input: input,
                    detail: "the objects could not be downloaded")
            }
            try LibGit2.check(
                git_remote_update_tips(remote, &callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_NONE, "urban-robot: fetch"),
                .fetch, operation, input: input, detail: "the mirror's branches and tags could not be updated")
            let pruned = try pruneBranches(keeping: Set(branches), operation: operation)
            return FetchResult(
                branches: branches.sorted(), prunedBranches: pruned,
                receivedObjects: context.latest.receivedObjects, receivedBytes: context.latest.receivedBytes)
        }
    }

    /// Pushes `references` (full names, e.g. `refs/tags/good/20261127T051300Z`) to the same names at `url`.
    func push(_ references: [String], to url: String, credentials: GitCredentials) throws {
        let operation = "pushing to the source"
        let input = "\(references.joined(separator: ", ")) to \(SourceURL.redacted(url))"
        let context = RemoteCallbackContext(credentials: credentials, progress: nil)
        var options = git_push_options()
        git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
        options.callbacks = context.callbacks()
        try withAnonymousRemote(url, code: .push, operation: operation) { remote in
            try LibGit2.withStringArray(references.map { "\($0):\($0)" }) { refspecs in
                try LibGit2.check(
                    git_remote_push(remote, refspecs, &options), .push, operation, input: input,
                    detail: "the source could not be pushed to; check source.url, its credentials and permissions")
            }
        }
        if let (reference, reason) = context.rejectedReferences.sorted(by: { $0.key < $1.key }).first {
            throw GitStoreError(
                .push, operation: operation, input: reference, detail: "the source rejected it: \(reason)")
        }
    }

    /// Creates an in-memory remote for `url`, calls `body` with it and frees it.
    private func withAnonymousRemote<Result>(
        _ url: String,
        code: GitStoreError.Code,
        operation: String,
        _ body: (OpaquePointer) throws -> Result
    ) throws -> Result {
        var remote: OpaquePointer?
        try LibGit2.check(
            git_remote_create_anonymous(&remote, pointer, url), code, operation, input: SourceURL.redacted(url),
            detail: "not a usable source URL; use a path, file://, https:// or ssh://")
        defer { git_remote_free(remote) }
        guard let remote else {
            throw GitStoreError(code, operation: operation, input: SourceURL.redacted(url), detail: "no remote")
        }
        return try body(remote)
    }

    /// The branch names (without `refs/heads/`) a connected remote advertises.
    private func remoteBranches(_ remote: OpaquePointer, operation: String, input: String) throws -> [String] {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try LibGit2.check(
            git_remote_ls(&heads, &count, remote), .fetch, operation, input: input,
            detail: "the source's references could not be listed")
        let prefix = "refs/heads/"
        return (0..<count).compactMap { index in
            guard let head = heads?[index], let name = head.pointee.name.map({ String(cString: $0) }),
                name.hasPrefix(prefix)
            else { return nil }
            return String(name.dropFirst(prefix.count))
        }
    }

    /// Deletes `refs/heads/*` in the mirror whose branch is not in `branches`; returns the deleted names.
    private func pruneBranches(keeping branches: Set<String>, operation: String) throws -> [String] {
        let prefix = "refs/heads/"
        let stale = try referenceNames(matching: "\(prefix)*", operation: operation, code: .fetch)
            .filter { $0.hasPrefix(prefix) && !branches.contains(String($0.dropFirst(prefix.count))) }
        for name in stale {
            try LibGit2.check(
                git_reference_remove(pointer, name), .fetch, operation, input: name,
                detail: "a branch deleted at the source could not be deleted from the mirror")
        }
        return stale.map { String($0.dropFirst(prefix.count)) }.sorted()
    }

    /// The full names of the references matching the glob `pattern`.
    func referenceNames(matching pattern: String, operation: String, code: GitStoreError.Code) throws -> [String] {
        var iterator: OpaquePointer?
        try LibGit2.check(
            git_reference_iterator_glob_new(&iterator, pointer, pattern), code, operation, input: pattern)
        defer { git_reference_iterator_free(iterator) }
        var names: [String] = []
        var name: UnsafePointer<CChar>?
        while true {
            let status = git_reference_next_name(&name, iterator)
            if status == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(status, code, operation, input: pattern)
            if let name { names.append(String(cString: name)) }
        }
        return names
    }
}
