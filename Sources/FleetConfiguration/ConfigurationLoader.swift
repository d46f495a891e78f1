import Foundation
import TOMLKit

/// Reads and validates the TOML configuration file of ARCHITECTURE.md's "Configuration".
///
/// ```swift
/// let path = ConfigurationLoader.defaultPath(environment: ProcessInfo.processInfo.environment)
/// let configuration = try ConfigurationLoader.load(path: path)
/// ```
///
/// An unknown key, a value of the wrong type or out of range, and a syntax error
/// are a ``ConfigurationError`` naming the key and its line.
public enum ConfigurationLoader {
    /// The tables a configuration file may have.
    static let sectionNames = ["source", "bot", "health", "rollout", "channel", "admin", "webhook", "notify", "state", "launcher", "swarm"]

    /// The file the CLI reads without `-c`: `$URBAN_ROBOT_CONFIG`, else `./urban-robot.toml`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["URBAN_ROBOT_CONFIG"], !path.isEmpty { return path }
        return "urban-robot.toml"
    }

    /// Reads and validates the file at `path`; every relative path in it (`state.dir`, `bot.token_file`,
    /// `source.token_file`, `source.ssh_key_file`, `webhook.github_secret_file`, the `[swarm]` TLS files, a local
    /// `source.url`) is taken from the file's folder.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        let text = try readText(path)
        var configuration = try parse(text, file: path)
        configuration.resolveRelativePaths { absolutePath($0, relativeTo: path) }
        try refuseTokenInBotEnvironment(configuration.bot, file: path)
        return configuration
    }

    /// Refuses a `bot.env` entry whose value carries the Discord token (read from `bot.token_env` or
    /// `bot.token_file` when this process can; the value is never shown).
    private static func refuseTokenInBotEnvironment(_ bot: BotSettings, file: String) throws(ConfigurationError) {
        guard !bot.environment.isEmpty,
            let token = try? DiscordToken.read(bot.token, environment: ProcessInfo.processInfo.environment)
        else { return }
        for name in bot.environment.keys.sorted() where bot.environment[name]?.contains(token) == true {
            throw ConfigurationError(
                code: .invalidValue, file: file, key: "bot.env.\(name)",
                message: "carries the Discord token's value; the token never goes into a bot's environment "
                    + "(the bot receives it in hello): remove it")
        }
    }

    /// The text of the configuration file, or an error naming it that says plainly what is wrong.
    private static func readText(_ path: String) throws(ConfigurationError) -> String {
        let advice = "pass another with -c FILE or set URBAN_ROBOT_CONFIG, or write one with `urban-robot init`"
        func unreadable(_ problem: String) -> ConfigurationError {
            ConfigurationError(code: .unreadable, file: path, message: "\(problem); \(advice)")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw unreadable("there is no such configuration file")
        }
        guard !isFolder.boolValue else {
            throw unreadable("is a folder, not a configuration file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw unreadable("cannot be read by this user (check its permissions and its folder's)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw unreadable("is not UTF-8 text (a TOML file is)")
        }
        return text
    }

    /// Parses and validates a configuration text; `file` only labels errors.
    public static func parse(_ text: String, file: String? = nil) throws(ConfigurationError) -> Configuration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(code: .syntax, file: file, line: error.source.begin.line,
                                     message: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigurationError(code: .syntax, file: file, message: "not valid TOML: \(error)")
        }
        let locator = KeyLineLocator(text: text)
        for key in root.keys.sorted() {
            guard sectionNames.contains(key) else {
                throw ConfigurationError(code: .unknownKey, file: file, key: key, line: locator.line(of: key),
                                         message: "is not a table of the configuration; the tables are "
                                            + sectionNames.map { "[\($0)]" }.joined(separator: ", "))
            }
            if root[key]?.table == nil {
                throw ConfigurationError(code: .wrongType, file: file, key: key, line: locator.line(of: key),
                                         message: "must be a table ([\(key)])")
            }
        }
        func reader(_ name: String) -> TOMLSectionReader {
            TOMLSectionReader(name: name, table: root[name]?.table, file: file, locator: locator)
        }
        var configuration = Configuration()
        configuration.source = try readSource(reader("source"))
        configuration.bot = try readBot(reader("bot"))
        configuration.health = try readHealth(reader("health"))
        configuration.rollout = try readRollout(reader("rollout"), instances: configuration.bot.instances)
        configuration.channel = try readChannel(reader("channel"))
        configuration.admin = try readAdmin(reader("admin"))
        configuration.webhook = try readWebhook(reader("webhook"))
        configuration.notify = try readNotify(reader("notify"))
        configuration.state = try readState(reader("state"))
        configuration.launcher = try readLauncher(reader("launcher"))
        configuration.swarm = try readSwarm(reader("swarm"))
        return configuration
    }

    /// `path` made absolute against the folder of the configuration file; an empty path stays empty.
    static func absolutePath(_ path: String, relativeTo configurationFile: String) -> String {
        guard !path.hasPrefix("/"), !path.isEmpty else { return path }
        let folder = URL(fileURLWithPath: configurationFile).deletingLastPathComponent()
        return folder.appendingPathComponent(path).standardizedFileURL.path
    }
}
