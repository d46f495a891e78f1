import CGit2
import Foundation

/// `urban-robot hook install REPO`: copies the push hook (``PostReceiveHook``) into the repository's
/// `hooks/post-receive` (mode 0755) and records in its git config, with libgit2, the absolute paths of
/// the binary (`urban-robot.binary`) and of the configuration (`urban-robot.config`).
public enum HookInstaller {
    /// Installs the hook into `repository` (a bare repository, or a work tree's repository).
    ///
    /// - Parameters:
    ///   - repository: the repository's path.
    ///   - configPath: the configuration the hook deploys with; made absolute.
    ///   - binaryPath: the `urban-robot` binary the hook runs; the running one by default.
    /// - Returns: the path of the hook written.
    /// - Throws: ``HookInstallError`` when the repository cannot be opened or written.
    @discardableResult
    public static func install(repository: String, configPath: String, binaryPath: String = currentExecutable()) throws -> String {
        let config = URL(fileURLWithPath: configPath).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: config) else {
            throw HookInstallError(code: .configuration, repository: repository,
                                   message: "the configuration \(config) does not exist; pass -c with the daemon's configuration")
        }
        git_libgit2_init()
        defer { git_libgit2_shutdown() }
        var handle: OpaquePointer?
        try check(git_repository_open(&handle, repository), repository, "cannot open it as a git repository")
        defer { git_repository_free(handle) }
        let gitDirectory = String(cString: git_repository_path(handle))
        let hooks = (gitDirectory as NSString).appendingPathComponent("hooks")
        let hook = (hooks as NSString).appendingPathComponent("post-receive")
        do {
            try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
            try Data(PostReceiveHook.text.utf8).write(to: URL(fileURLWithPath: hook))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        } catch {
            throw HookInstallError(code: .io, repository: repository, message: "cannot write \(hook): \(error.localizedDescription)")
        }
        var all: OpaquePointer?
        try check(git_repository_config(&all, handle), repository, "cannot open its git config")
        defer { git_config_free(all) }
        var local: OpaquePointer?
        try check(git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL), repository, "cannot open its local git config")
        defer { git_config_free(local) }
        try check(git_config_set_string(local, "urban-robot.binary", binaryPath), repository, "cannot set urban-robot.binary")
        try check(git_config_set_string(local, "urban-robot.config", config), repository, "cannot set urban-robot.config")
        return hook
    }

    /// The absolute path of the running binary (`/proc/self/exe`).
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    private static func check(_ result: Int32, _ repository: String, _ what: String) throws {
        guard result < 0 else { return }
        let detail = git_error_last().map { String(cString: $0.pointee.message) } ?? "libgit2 error \(result)"
        throw HookInstallError(code: .git, repository: repository, message: "\(what): \(detail)")
    }
}

/// `hook install` failed.
public struct HookInstallError: Error, Sendable, CustomStringConvertible {
    /// Why.
    public struct Code: Hashable, Sendable {
        private let name: String
        /// libgit2 cannot open or configure the repository.
        public static let git = Code(name: "git")
        /// The hook file cannot be written.
        public static let io = Code(name: "io")
        /// The configuration file does not exist.
        public static let configuration = Code(name: "configuration")
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
