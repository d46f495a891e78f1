@testable import FleetConfiguration
@testable import FleetDaemon
import Foundation
import Testing
import Deployer

@Suite("Configuration loader")
struct ConfigurationLoaderTests {
    private let minimal = """
        [source]
        url = "/srv/git/bot.git"
        """

    @Test("a file with only the source gets every documented default")
    func defaults() throws {
        let configuration = try ConfigurationLoader.parse(minimal)
        var expected = Configuration()
        expected.source.url = "/srv/git/bot.git"
        #expect(configuration == expected)
        #expect(configuration.rollout.bake == .seconds(300))
        #expect(configuration.rollout.identifySpacing == .milliseconds(5500))
        #expect(configuration.rollout.batch == .percent(25))
        #expect(configuration.bot.token == .environment("DISCORD_TOKEN"))
        #expect(configuration.bot.stopWithDaemon == false)
        #expect(configuration.channel.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(configuration.channel.maxUnauthenticated == 1_000 && configuration.channel.maxUnauthenticatedPerPeer == 100)
        #expect(configuration.admin.listen.port == 8081)
        #expect(configuration.state.goodTagPrefix == "good/")
    }

    @Test("the template parses and equals the defaults")
    func templateIsTheDefaults() throws {
        let text = ConfigurationTemplate.render(sourceURL: "/srv/git/bot.git", stateDirectory: "/var/lib/urban-robot")
        var expected = Configuration()
        expected.source.url = "/srv/git/bot.git"
        #expect(try ConfigurationLoader.parse(text) == expected)
    }

    @Test("Deploy/urban-robot.example.toml is the template")
    func exampleFileIsTheTemplate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let example = try String(contentsOf: root.appendingPathComponent("Deploy/urban-robot.example.toml"), encoding: .utf8)
        #expect(example == ConfigurationTemplate.render())
    }

    @Test("durations are read")
    func durations() throws {
        let configuration = try ConfigurationLoader.parse(minimal + """

            [rollout]
            bake = "90s"
            crash_window = "1h"
            [health]
            ready_timeout = "250ms"
            [channel]
            ping_interval = "1m30s"
            """)
        #expect(configuration.rollout.bake == .seconds(90))
        #expect(configuration.rollout.crashWindow == .seconds(3600))
        #expect(configuration.health.readyTimeout == .milliseconds(250))
        #expect(configuration.channel.pingInterval == .seconds(90))
    }

    @Test("non-duration values are read")
    func otherValues() throws {
        let configuration = try ConfigurationLoader.parse(minimal + """

            [bot]
            command = ["./run.sh", "--fast"]
            build = ["make"]
            instances = 4
            token_file = "/etc/urban-robot/token"
            env = { LOG_LEVEL = "debug" }
            stop_with_daemon = true

            [health]
            vital_cogs = ["music", "moderation"]
            min_percent = 80

            [rollout]
            canary = 2
            batch = 3
            keep_standby = false
            pause_after_canary = true

            [channel]
            listen = "[::1]:9000"
            allow_unmanaged = true
            max_unauthenticated = 50
            max_unauthenticated_per_peer = 5

            [state]
            dir = "/tmp/ur"
            push_tags = true
            """)
        #expect(configuration.bot.command == ["./run.sh", "--fast"])
        #expect(configuration.bot.build == ["make"])
        #expect(configuration.bot.instances == 4)
        #expect(configuration.bot.token == .file("/etc/urban-robot/token"))
        #expect(configuration.bot.environment == ["LOG_LEVEL": "debug"])
        #expect(configuration.bot.stopWithDaemon)
        #expect(configuration.health.vitalCogs == ["music", "moderation"])
        #expect(configuration.health.minPercent == 80)
        #expect(configuration.rollout.canary == 2)
        #expect(configuration.rollout.batch == .count(3))
        #expect(configuration.rollout.keepStandby == false)
        #expect(configuration.rollout.pauseAfterCanary)
        #expect(configuration.deployerSettings.pauseAfterCanary)
        #expect(configuration.channel.listen == ListenAddress(host: "::1", port: 9000))
        #expect(configuration.channel.allowUnmanaged)
        #expect(configuration.channel.maxUnauthenticated == 50)
        #expect(configuration.channel.maxUnauthenticatedPerPeer == 5)
        #expect(configuration.state.directory == "/tmp/ur")
        #expect(configuration.state.pushTags)
    }

    @Test("bad input names the key and its line", arguments: [
        ("[rollout]\nbakee = \"5m\"", ConfigurationError.Code.unknownKey, "rollout.bakee", 4),
        ("[rollout]\nbake = 300", .wrongType, "rollout.bake", 4),
        ("[rollout]\nbake = \"5 minutes\"", .invalidValue, "rollout.bake", 4),
        ("[rollout]\nbatch = \"150%\"", .invalidValue, "rollout.batch", 4),
        ("[rollout]\ncanary = 2", .invalidValue, "rollout.canary", 4),
        ("[health]\nmin_percent = 101", .invalidValue, "health.min_percent", 4),
        ("[bot]\ninstances = 0", .invalidValue, "bot.instances", 4),
        ("[bot]\ncommand = []", .invalidValue, "bot.command", 4),
        ("[bot]\ncommand = [\"a\", 1]", .wrongType, "bot.command", 4),
        ("[bot]\nenv = { URBAN_ROBOT_KEY = \"x\" }", .invalidValue, "bot.env.URBAN_ROBOT_KEY", 4),
        ("[bot]\nenv = { DISCORD_TOKEN = \"x\" }", .invalidValue, "bot.env.DISCORD_TOKEN", 4),
        ("[bot]\ntoken_env = \"MY_TOKEN\"\nenv = { MY_TOKEN = \"x\" }", .invalidValue, "bot.env.MY_TOKEN", 5),
        ("[admin]\nlisten = \"0.0.0.0:8081\"", .invalidValue, "admin.listen", 4),
        ("[admin]\nlisten = \"[::]:8081\"", .invalidValue, "admin.listen", 4),
        ("[admin]\nlisten = \"192.168.1.5:8081\"\nallow_remote = false", .invalidValue, "admin.listen", 4),
        ("[bot]\ntoken_env = \"T\"\ntoken_file = \"/t\"", .conflict, "bot.token_file", 5),
        ("[channel]\nlisten = \"localhost\"", .invalidValue, "channel.listen", 4),
        ("[channel]\nallow_unmanaged = \"yes\"", .wrongType, "channel.allow_unmanaged", 4),
        ("[channel]\nmax_unauthenticated = 0", .invalidValue, "channel.max_unauthenticated", 4),
        ("[channel]\nmax_unauthenticated = 10001", .invalidValue, "channel.max_unauthenticated", 4),
        ("[channel]\nmax_unauthenticated = \"100\"", .wrongType, "channel.max_unauthenticated", 4),
        ("[channel]\nmax_unauthenticated_per_peer = 0", .invalidValue, "channel.max_unauthenticated_per_peer", 4),
        ("[channel]\nmax_unauthenticated = 10\nmax_unauthenticated_per_peer = 11", .invalidValue,
         "channel.max_unauthenticated_per_peer", 5),
        ("[bot]\nstop_with_daemon = \"yes\"", .wrongType, "bot.stop_with_daemon", 4),
        ("[bot]\nstop_with_daemon = 1", .wrongType, "bot.stop_with_daemon", 4),
        ("[notify]\nwebhook = \"ftp://x\"", .invalidValue, "notify.webhook", 4),
        ("[state]\ngood_tag_prefix = \"good tags/\"", .invalidValue, "state.good_tag_prefix", 4),
        ("[deploy]\nx = 1", .unknownKey, "deploy", 3),
    ])
    func badValues(section: String, code: ConfigurationError.Code, key: String, line: Int) {
        #expect {
            try ConfigurationLoader.parse(minimal + "\n" + section, file: "bot.toml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.code == code && error.key == key && error.line == line
                && error.description.hasPrefix("bot.toml:\(line): \(key): ")
        }
    }

    @Test("a missing source url is named")
    func missingSource() {
        #expect(throws: ConfigurationError(code: .missingValue, key: "source.url", line: nil,
                                           message: "is required: the path or URL of the bot's git repository")) {
            try ConfigurationLoader.parse("[bot]\ninstances = 2\n")
        }
    }

    @Test("a syntax error carries TOML's line")
    func syntaxError() {
        #expect {
            try ConfigurationLoader.parse(minimal + "\n[rollout]\nbake = \n", file: "bot.toml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.code == .syntax && error.line == 4 && error.description.hasPrefix("bot.toml:4: not valid TOML")
        }
    }

    @Test("an unreadable file says what to do")
    func unreadableFile() {
        #expect {
            try ConfigurationLoader.load(path: "/nonexistent/urban-robot.toml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.code == .unreadable && error.description.contains("urban-robot init")
        }
    }

    @Test("a relative state folder is taken from the configuration file's folder")
    func relativeStateDirectory() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("urban-robot.toml")
        try Data((minimal + "\n[state]\ndir = \"state\"\n").utf8).write(to: file)
        let configuration = try ConfigurationLoader.load(path: file.path)
        #expect(configuration.state.directory == folder.appendingPathComponent("state").standardizedFileURL.path)
    }

    @Test("a folder, a missing file or a file that is not text is named with a plain reason")
    func unusableFiles() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appendingPathComponent("binary.toml")
        try Data([0xff, 0xfe, 0x00, 0x80]).write(to: binary)
        let cases = [
            (folder.path, "is a folder, not a configuration file"),
            (folder.appendingPathComponent("missing.toml").path, "there is no such configuration file"),
            (binary.path, "is not UTF-8 text"),
        ]
        for (path, reason) in cases {
            let error = #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(path: path) }
            #expect(error?.code == .unreadable)
            #expect(error?.description.hasPrefix("\(path): \(reason)") == true, "\(String(describing: error))")
            #expect(error?.description.contains("NSCocoaErrorDomain") == false)
        }
    }

    @Test("every relative path is taken from the configuration file's folder; absolute ones and URLs stay")
    func relativePaths() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("urban-robot.toml")
        try Data("""
            [source]
            url = "../repos/bot.git"
            token_file = "secrets/source.token"
            ssh_key_file = "/etc/urban-robot/id_ed25519"
            [bot]
            token_file = "discord.token"
            [webhook]
            github_secret_file = "./github.secret"
            """.utf8).write(to: file)
        let configuration = try ConfigurationLoader.load(path: file.path)
        func inFolder(_ relative: String) -> String { folder.appendingPathComponent(relative).standardizedFileURL.path }
        #expect(configuration.source.url == folder.deletingLastPathComponent().appendingPathComponent("repos/bot.git").path)
        #expect(configuration.source.tokenFile == inFolder("secrets/source.token"))
        #expect(configuration.source.sshKeyFile == "/etc/urban-robot/id_ed25519")
        #expect(configuration.bot.token == .file(inFolder("discord.token")))
        #expect(configuration.webhook.githubSecretFile == inFolder("github.secret"))

        for url in ["https://example.invalid/bot.git", "git@example.invalid:bot.git", "file:///srv/bot.git"] {
            try Data("[source]\nurl = \"\(url)\"\n".utf8).write(to: file)
            #expect(try ConfigurationLoader.load(path: file.path).source.url == url)
        }
    }

    @Test("admin.listen on loopback is accepted; elsewhere only with admin.allow_remote = true")
    func adminListen() throws {
        for address in ["127.0.0.1:8081", "127.3.2.1:9000", "[::1]:8081", "localhost:8081"] {
            let configuration = try ConfigurationLoader.parse(minimal + "\n[admin]\nlisten = \"\(address)\"\n")
            #expect(configuration.admin.listen.isLoopback)
            #expect(!configuration.admin.allowRemote)
        }
        let remote = try ConfigurationLoader.parse(minimal + "\n[admin]\nlisten = \"0.0.0.0:8081\"\nallow_remote = true\n")
        #expect(remote.admin.allowRemote)
        #expect(!remote.admin.listen.isLoopback)
    }

    @Test("a bot.env entry carrying the Discord token's value is refused when the file loads, without showing it")
    func tokenValueInBotEnvironment() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = "loader-test-discord-token-\(UUID().uuidString)"
        try Data("\(secret)\n".utf8).write(to: folder.appendingPathComponent("discord.token"))
        let file = folder.appendingPathComponent("urban-robot.toml")
        let bot = "\n[bot]\ntoken_file = \"discord.token\"\nenv = { LEVEL = \"info\""
        try Data((minimal + bot + ", AUTH = \"Bot \(secret)\" }\n").utf8).write(to: file)
        let error = #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(path: file.path) }
        #expect(error?.key == "bot.env.AUTH")
        #expect(error?.description.contains("carries the Discord token's value") == true, "\(String(describing: error))")
        #expect(error?.description.contains(secret) == false)

        try Data((minimal + bot + " }\n").utf8).write(to: file)
        #expect(try ConfigurationLoader.load(path: file.path).bot.environment == ["LEVEL": "info"])
    }

    /// A new empty folder in the temporary directory; the caller removes it.
    private static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ur-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("the default path prefers URBAN_ROBOT_CONFIG")
    func defaultPath() {
        #expect(ConfigurationLoader.defaultPath(environment: ["URBAN_ROBOT_CONFIG": "/etc/ur.toml"]) == "/etc/ur.toml")
        #expect(ConfigurationLoader.defaultPath(environment: [:]) == "urban-robot.toml")
    }
}

@Suite("Durations and sizes")
struct DurationTextTests {
    @Test("durations parse", arguments: [
        ("0", Duration.zero), ("0s", .zero), ("250ms", .milliseconds(250)), ("30s", .seconds(30)),
        ("5m", .seconds(300)), ("1h", .seconds(3600)), ("1h30m", .seconds(5400)), ("5.5s", .milliseconds(5500)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test("non-durations do not", arguments: ["", "5", "-5s", "5 m", "5d", "s", "1.2.3s", "ms5"])
    func rejects(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test("formatting uses the largest exact unit")
    func formats() {
        #expect(DurationText.format(.zero) == "0s")
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
        #expect(DurationText.format(.milliseconds(5500)) == "5500ms")
        #expect(DurationText.format(.seconds(300)) == "5m")
        #expect(DurationText.format(.seconds(7200)) == "2h")
    }

    @Test("batch sizes over a fleet round up and are at least one")
    func batchSizes() {
        #expect(BatchSize.percent(25).instances(ofFleet: 10) == 3)
        #expect(BatchSize.percent(25).instances(ofFleet: 1) == 1)
        #expect(BatchSize.percent(100).instances(ofFleet: 7) == 7)
        #expect(BatchSize.count(4).instances(ofFleet: 2) == 4)
    }
}
