internal import CGit2
import Foundation

/// A git repository on this machine other than the mirror, opened by its path: what `urban-robot hook install`
/// needs of the repository the bot's developers push to (whether it is bare, where its git folder is, its own
/// git config).
///
/// Every call opens the repository and frees it before it returns. The calls read and write a few small files
/// synchronously: they are meant for a command line, not for the daemon (whose libgit2 work is ``ReleaseStore``'s,
/// on a thread pool).
public struct LocalRepository: Sendable {
    /// The path it was opened with.
    public let path: String
    /// Its git folder, ending in `/`: the path itself for a bare repository, `<path>/.git/` for one with a work tree.
    public let gitDirectory: String
    /// Whether it has no work tree.
    public let isBare: Bool

    /// Opens the repository at `path`, bare or with a work tree.
    ///
    /// - Throws: ``GitStoreError`` `.repository` naming `path` when it is not a git repository or cannot be read.
    public init(path: String) throws {
        self.path = path
        (gitDirectory, isBare) = try Self.withRepository(at: path, operation: "opening the repository") { repository in
            (String(cString: git_repository_path(repository)), git_repository_is_bare(repository) == 1)
        }
    }

    /// Sets each key (`section.name`) to its value in the repository's own git config (`config` in its git folder,
    /// not the user's or the system's).
    ///
    /// - Throws: ``GitStoreError`` `.repository` naming the key that could not be set, or the repository.
    public func setLocalConfig(_ entries: KeyValuePairs<String, String>) throws {
        let operation = "setting the repository's git config"
        try Self.withRepository(at: path, operation: operation) { repository in
            var all: OpaquePointer?
            try LibGit2.check(git_repository_config(&all, repository), .repository, operation, input: path,
                              detail: "its git config could not be opened")
            defer { git_config_free(all) }
            var local: OpaquePointer?
            try LibGit2.check(git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL), .repository, operation,
                              input: path, detail: "its local git config could not be opened")
            defer { git_config_free(local) }
            for (key, value) in entries {
                try LibGit2.check(git_config_set_string(local, key, value), .repository, operation, input: key,
                                  detail: "the key could not be set in the git config of \(path)")
            }
        }
    }

    /// Opens the repository at `path` (not a folder above it), runs `body` with it, and frees it.
    private static func withRepository<Result>(
        at path: String, operation: String, _ body: (OpaquePointer) throws -> Result
    ) throws -> Result {
        LibGit2.initialize()
        var repository: OpaquePointer?
        try LibGit2.check(git_repository_open(&repository, path), .repository, operation, input: path,
                          detail: "it is not a git repository, or it cannot be read")
        defer { git_repository_free(repository) }
        guard let repository else {
            throw GitStoreError(.repository, operation: operation, input: path,
                                detail: "libgit2 returned no repository")
        }
        return try body(repository)
    }
}
