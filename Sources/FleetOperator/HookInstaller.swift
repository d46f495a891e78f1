import Foundation
import GitStore

/// `urban-robot hook install REPO`: copies the push hook (``PostReceiveHook``) into the bare repository's
/// `hooks/post-receive` (mode 0755) and records in its git config, through GitStore, the absolute paths of
/// the binary (`urban-robot.binary`) and of the configuration (`urban-robot.config`).
///
/// A `post-receive` that is not urban-robot's is never overwritten: it is moved to
/// `post-receive.before-urban-robot`, which the new hook runs first with the same input.
public enum HookInstaller {
    /// The name the hook that was there before is kept under, beside the new one.
    public static let previousHookName = "post-receive.before-urban-robot"

    /// What ``install(repository:configPath:binaryPath:)`` did.
    public struct Installation: Sendable, Equatable {
        /// The path of the hook written.
        public var hook: String
        /// Where the repository's earlier `post-receive` was kept (chained), when there was one.
        public var keptPreviousHook: String?
    }

    /// Installs the hook into the bare repository `repository`.
    ///
    /// - Parameters:
    ///   - repository: the repository's path.
    ///   - configPath: the configuration the hook deploys with; made absolute.
    ///   - binaryPath: the `urban-robot` binary the hook runs; the running one by default.
    /// - Returns: the hook written, and where an earlier hook was kept.
    /// - Throws: ``HookInstallError`` when the repository cannot be opened or written, is not bare, or an
    ///   earlier hook cannot be kept.
    @discardableResult
    public static func install(
        repository: String, configPath: String, binaryPath: String = currentExecutable()
    ) throws -> Installation {
        let config = URL(fileURLWithPath: configPath).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: config) else {
            throw HookInstallError(code: .configuration, repository: repository,
                                   message: "the configuration \(config) does not exist; pass -c with the daemon's configuration")
        }
        let local = try git(repository, "cannot open it as a git repository") { try LocalRepository(path: repository) }
        guard local.isBare else {
            throw HookInstallError(
                code: .notBare, repository: repository,
                message: "is not a bare repository: a push to a checked-out branch of it is refused or leaves its "
                    + "work tree stale; install the hook into the bare repository the bot's developers push to "
                    + "(`git clone --bare`), and point source.url at it")
        }
        let gitDirectory = local.gitDirectory
        let hooks = (gitDirectory as NSString).appendingPathComponent("hooks")
        let hook = (hooks as NSString).appendingPathComponent("post-receive")
        let kept = try keepPreviousHook(hook, repository: repository)
        do {
            try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
            try Data(PostReceiveHook.text.utf8).write(to: URL(fileURLWithPath: hook))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        } catch {
            throw HookInstallError(code: .io, repository: repository, message: "cannot write \(hook): \(error.localizedDescription)")
        }
        try git(repository, "cannot set urban-robot.binary and urban-robot.config") {
            try local.setLocalConfig(["urban-robot.binary": binaryPath, "urban-robot.config": config])
        }
        return Installation(hook: hook, keptPreviousHook: kept)
    }

    /// Moves an existing `post-receive` that is not urban-robot's to ``previousHookName`` beside it (an
    /// existing one there is never replaced); returns where it went, or nil when there was nothing to keep.
    private static func keepPreviousHook(_ hook: String, repository: String) throws -> String? {
        let kept = ((hook as NSString).deletingLastPathComponent as NSString).appendingPathComponent(previousHookName)
        let keptExists = FileManager.default.fileExists(atPath: kept)
        guard let existing = FileManager.default.contents(atPath: hook),
            !String(decoding: existing, as: UTF8.self).contains("# urban-robot post-receive hook")
        else { return keptExists ? kept : nil }
        guard !keptExists else {
            throw HookInstallError(
                code: .io, repository: repository,
                message: "both \(hook) and \(kept) exist; merge them into \(kept) and remove \(hook), then install again")
        }
        do {
            try FileManager.default.moveItem(atPath: hook, toPath: kept)
        } catch {
            throw HookInstallError(code: .io, repository: repository,
                                   message: "cannot keep the existing \(hook) as \(kept): \(error.localizedDescription)")
        }
        return kept
    }

    /// The absolute path of the running binary (`/proc/self/exe`).
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// Runs a GitStore call on `repository`, reporting its failure as a ``HookInstallError`` `.git` that says `what`.
    private static func git<Result>(_ repository: String, _ what: String,
                                    _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch {
            let detail = (error as? GitStoreError)?.message ?? "\(error)"
            throw HookInstallError(code: .git, repository: repository, message: "\(what): \(detail)")
        }
    }
}

/// `hook install` failed.
public struct HookInstallError: Error, Sendable, CustomStringConvertible {
    /// Why.
    public struct Code: Hashable, Sendable {
        private let name: String
        /// The repository cannot be opened or its git config written.
        public static let git = Code(name: "git")
        /// The hook file cannot be written.
        public static let io = Code(name: "io")
        /// The configuration file does not exist.
        public static let configuration = Code(name: "configuration")
        /// The repository has a work tree.
        public static let notBare = Code(name: "not bare")
    }

    /// Why.
    public var code: Code
    /// The repository.
    public var repository: String
    /// What failed and what to do.
    public var message: String

    /// `hook install REPO: MESSAGE`.
    public var description: String { "hook install \(repository): \(message)" }
}
