internal import CGit2
import Foundation

extension GitRepositoryHandle {
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

    /// Creates an in-memory remote for `url` (rewritten by the configuration's `insteadOf` rules, as git
    /// does), calls `body` with it and frees it.
    ///
    /// The rules are applied by ``URLRewriteRules``, not by libgit2, whose own reading of them leaks memory
    /// on every remote it creates.
    func withAnonymousRemote<Result>(
        _ url: String,
        code: GitStoreError.Code,
        operation: String,
        _ body: (OpaquePointer) throws -> Result
    ) throws -> Result {
        let rewritten = try urlRewriteRules(code: code, operation: operation).rewrite(url)
        var options = git_remote_create_options()
        git_remote_create_options_init(&options, UInt32(GIT_REMOTE_CREATE_OPTIONS_VERSION))
        options.repository = pointer
        options.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF.rawValue
        var remote: OpaquePointer?
        try LibGit2.check(
            git_remote_create_with_opts(&remote, rewritten, &options), code, operation,
            input: SourceURL.redacted(url), detail: "not a usable source URL; use a path, file://, https:// or ssh://")
        defer { git_remote_free(remote) }
        guard let remote else {
            throw GitStoreError(code, operation: operation, input: SourceURL.redacted(url), detail: "no remote")
        }
        return try body(remote)
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
