import FleetTypes

/// Builds the clean environment of a launched process.
///
/// The child gets exactly:
/// 1. the variables of ``inheritedNames`` that the daemon has (locale, time
///    zone, user, `PATH`, `HOME`, `TMPDIR`); `PATH` falls back to
///    `/usr/local/bin:/usr/bin:/bin`. Nothing else of the daemon's
///    environment: not its secrets, not `PYTHONPATH` or `VIRTUAL_ENV` (a bot
///    that needs them sets them in the config's `env`);
/// 2. the config's `bot.env`, which may override those;
/// 3. with an identity, the six `URBAN_ROBOT_*` variables.
///
/// Refused (``SupervisorError/Code/invalidEnvironment``), never silently
/// dropped, when the configured `env`:
/// - names a key of `forbiddenNames` (the config's `token_env`, say
///   `DISCORD_TOKEN`: the token is never put in a child's environment);
/// - has a value that contains one of `secrets` (the token itself, the admin
///   token), under any name;
/// - sets a `URBAN_ROBOT_*` key (those are ours), or a key that is empty or
///   holds `=` or NUL, or a value with NUL.
/// An inherited variable whose value contains a secret is left out.
/// Error messages name the key, never the value.
public struct LaunchEnvironment: Sendable {
    /// The daemon variables a child inherits.
    public static let inheritedNames: [String] = [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
    ]
    /// `PATH` when the daemon has none.
    public static let defaultPath = "/usr/local/bin:/usr/bin:/bin"
    /// The prefix reserved for the variables the daemon sets.
    public static let reservedPrefix = "URBAN_ROBOT_"

    /// The daemon's environment to pick the inherited variables from.
    public var inherited: [String: String]
    /// Names that must never reach a child (e.g. the config's `token_env`).
    public var forbiddenNames: Set<String>
    /// Values that must never reach a child, under any name (the token).
    public var secrets: [String]

    /// Creates a builder.
    /// - Parameters:
    ///   - inherited: the daemon's environment (`ProcessInfo.processInfo.environment`).
    ///   - forbiddenNames: names that must never reach a child.
    ///   - secrets: values that must never reach a child; empty strings are ignored.
    public init(inherited: [String: String], forbiddenNames: Set<String> = [], secrets: [String] = []) {
        self.inherited = inherited
        self.forbiddenNames = forbiddenNames
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    /// The environment for one process.
    /// - Parameters:
    ///   - configured: the config's `bot.env`.
    ///   - identity: the client identity; nil for a build command.
    /// - Throws: ``SupervisorError`` with code `invalidEnvironment`, naming the key.
    public func make(configured: [String: String], identity: ClientIdentity?) throws(SupervisorError) -> [String: String] {
        var result: [String: String] = [:]
        for name in Self.inheritedNames {
            guard let value = inherited[name], !containsSecret(value), !forbiddenNames.contains(name) else { continue }
            result[name] = value
        }
        if result["PATH"] == nil { result["PATH"] = Self.defaultPath }
        for (name, value) in configured.sorted(by: { $0.key < $1.key }) {
            try validate(name: name, value: value)
            result[name] = value
        }
        if let identity {
            result["URBAN_ROBOT_URL"] = identity.url
            result["URBAN_ROBOT_INSTANCE"] = identity.clientID
            result["URBAN_ROBOT_KEY"] = identity.key
            result["URBAN_ROBOT_SHARD"] = String(identity.shard)
            result["URBAN_ROBOT_SHARD_COUNT"] = String(identity.shardCount)
            result["URBAN_ROBOT_REVISION"] = identity.revision
        }
        return result
    }

    private func validate(name: String, value: String) throws(SupervisorError) {
        func refuse(_ why: String) -> SupervisorError {
            SupervisorError(.invalidEnvironment, "bot.env key '\(name)' refused: \(why)")
        }
        if name.isEmpty || name.contains("=") || name.contains("\0") {
            throw refuse("a variable name must be non-empty and hold neither '=' nor NUL")
        }
        if value.contains("\0") { throw refuse("its value holds a NUL byte") }
        if name.hasPrefix(Self.reservedPrefix) {
            throw refuse("\(Self.reservedPrefix)* variables are set by urban-robot; remove it from bot.env")
        }
        if forbiddenNames.contains(name) {
            throw refuse("it would carry the bot token into the environment; the bot receives the token over the channel's hello")
        }
        if containsSecret(value) {
            throw refuse("its value contains the bot token or another daemon secret; remove it from bot.env")
        }
    }

    /// Whether `value` holds a secret's bytes anywhere (a byte search: stricter than `String.contains`, which a
    /// combining mark after the secret would fool).
    private func containsSecret(_ value: String) -> Bool {
        secrets.contains { value.containsBytes(of: $0) }
    }
}
