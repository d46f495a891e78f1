import Foundation
import GitStore
import TestSupport
import Testing

/// A temporary folder with a source repository made by the git CLI, and a state directory for a store.
///
/// Tests build real repositories with `git`; the store under test never runs `git` itself.
final class GitFixture {
    let root: URL
    let source: URL
    let state: URL

    /// Creates `<tmp>/gitstore-<uuid>/{source,state}` with an initialized source repository on `main`.
    init(bare: Bool = false) async throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gitstore-\(UUID().uuidString)")
        source = root.appendingPathComponent(bare ? "source.git" : "source")
        state = root.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try await git(bare ? ["init", "-q", "--bare", "-b", "main"] : ["init", "-q", "-b", "main"])
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// A store configuration on this fixture's state directory and source.
    func configuration(
        sourceURL: String? = nil, pushTags: Bool = false, now: @escaping @Sendable () -> Date = { Date() }
    ) -> ReleaseStore.Configuration {
        ReleaseStore.Configuration(
            stateDirectory: state.path, sourceURL: sourceURL ?? source.path, pushTags: pushTags, now: now)
    }

    /// Opens a store on this fixture and fetches.
    func fetchedStore(pushTags: Bool = false) async throws -> ReleaseStore {
        let store = try await ReleaseStore(configuration: configuration(pushTags: pushTags))
        try await store.fetch()
        return store
    }

    /// Writes a file in the source work tree (creating folders), optionally executable.
    func write(_ path: String, _ contents: String, executable: Bool = false) throws {
        let url = source.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: url.path)
    }

    /// Commits everything in the work tree; returns the full id.
    @discardableResult
    func commit(_ message: String, date: String? = nil) async throws -> String {
        try await git(["add", "-A"])
        var environment: [String: String] = [:]
        if let date {
            environment = ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date]
        }
        try await git(["commit", "-q", "--allow-empty", "-m", message], environment: environment)
        return try await git(["rev-parse", "HEAD"])
    }

    /// Runs git in the source repository (or in `directory`) and returns its trimmed standard output.
    @discardableResult
    func git(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) async throws -> String {
        try await Self.run(["git"] + arguments, in: directory ?? source, environment: environment)
    }

    /// Runs a command with a clean git environment; returns its trimmed standard output.
    /// - Throws: ``CommandFailure`` when it fails.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> String {
        var merged = ProcessInfo.processInfo.environment
        merged["GIT_CONFIG_GLOBAL"] = "/dev/null"
        merged["GIT_CONFIG_NOSYSTEM"] = "1"
        merged["GIT_AUTHOR_NAME"] = "Ada Author"
        merged["GIT_AUTHOR_EMAIL"] = "ada@example.invalid"
        merged["GIT_COMMITTER_NAME"] = "Carl Committer"
        merged["GIT_COMMITTER_EMAIL"] = "carl@example.invalid"
        merged.merge(environment) { $1 }
        return try await Command.output(arguments, in: directory.path, environment: merged)
    }

    /// The snapshot of what `git archive <id> | tar -x` writes from the repository at `repositoryPath`.
    func archiveSnapshot(of id: String, repositoryPath: String) async throws -> [String: String] {
        let folder = root.appendingPathComponent("archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try await Self.run(["sh", "-c", "git --git-dir='\(repositoryPath)' archive \(id) | tar -x -C '\(folder.path)'"], in: root)
        return try Self.snapshot(of: folder)
    }

    /// Every regular file and symlink under `directory` (relative paths) with its contents or link target.
    static func snapshot(of directory: URL, excluding excluded: Set<String> = []) throws -> [String: String] {
        var result: [String: String] = [:]
        let base = directory.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return result }
        while let relative = enumerator.nextObject() as? String {
            guard !excluded.contains(relative) else { continue }
            let path = base + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let type = attributes[.type] as? FileAttributeType
            if type == .typeSymbolicLink {
                result[relative] = "-> " + (try FileManager.default.destinationOfSymbolicLink(atPath: path))
            } else if type == .typeRegular {
                let mode = (attributes[.posixPermissions] as? Int ?? 0) & 0o111 != 0 ? "x " : "- "
                result[relative] = mode + String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            }
        }
        return result
    }
}

/// Runs `body` and returns the ``GitStoreError`` it throws; records an issue when it throws nothing else.
func expectGitStoreError(
    _ code: GitStoreError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> GitStoreError? {
    do {
        try await body()
        Issue.record("expected GitStoreError.\(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as GitStoreError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected GitStoreError.\(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
