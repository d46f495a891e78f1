import Foundation
import Testing
import Deployer
import DockerEngine
import Logging
import Supervisor
import SwarmLauncher
@testable import FleetConfiguration
@testable import FleetDaemon

@Suite("Launcher and swarm configuration")
struct LauncherConfigurationTests {
    private func parse(_ tables: String) throws -> Configuration {
        try ConfigurationLoader.parse("[source]\nurl = \"/srv/git/bot.git\"\n" + tables)
    }

    @Test("the default launcher is local, and [swarm]'s defaults are documented ones")
    func defaults() throws {
        let configuration = try parse("")
        #expect(configuration.launcher.kind == .local)
        #expect(configuration.swarm.endpoint == "/var/run/docker.sock")
        #expect(configuration.swarm.repository == "urban-robot/bot")
        #expect(configuration.swarm.spread == "node.id")
        #expect(configuration.swarm.baseImage == "urban-robot-base:bookworm")
        #expect(configuration.channel.publicURL == "")
    }

    @Test("the state store syncs every commit when the bots outlive the daemon's machine (swarm), not when they die with it")
    func storeDurability() throws {
        #expect(try parse("").storeDurability == .survivesTheDaemon)
        #expect(try parse("[launcher]\nkind = \"local\"\n").storeDurability == .survivesTheDaemon)
        #expect(try parse("[launcher]\nkind = \"swarm\"\n").storeDurability == .survivesTheMachine)
    }

    @Test("every [swarm] key is read")
    func everyKey() throws {
        let configuration = try parse("""
            [launcher]
            kind = "swarm"
            [channel]
            public_url = "http://10.0.0.1:8080"
            [swarm]
            endpoint = "tcp://10.0.0.1:2376"
            tls_ca_file = "/etc/docker/ca.pem"
            tls_cert_file = "/etc/docker/cert.pem"
            tls_key_file = "/etc/docker/key.pem"
            repository = "team/mybot"
            registry = "10.0.0.1:5000"
            base_image = "debian-python:12"
            constraints = ["node.role == worker", "node.labels.zone != b"]
            spread = "node.labels.zone"
            limit_cpus = 0.5
            limit_memory = "512M"
            labels = { team = "bots" }
            """)
        #expect(configuration.launcher.kind == .swarm)
        #expect(configuration.channel.publicURL == "http://10.0.0.1:8080")
        var expected = SwarmSettings()
        expected.endpoint = "tcp://10.0.0.1:2376"
        expected.tls = SwarmTLSFiles(caFile: "/etc/docker/ca.pem", certificateFile: "/etc/docker/cert.pem", keyFile: "/etc/docker/key.pem")
        expected.repository = "team/mybot"
        expected.registry = "10.0.0.1:5000"
        expected.baseImage = "debian-python:12"
        expected.constraints = ["node.role == worker", "node.labels.zone != b"]
        expected.spread = "node.labels.zone"
        expected.limitCPUs = 0.5
        expected.limitMemory = 512 << 20
        expected.labels = ["team": "bots"]
        #expect(configuration.swarm == expected)
    }

    @Test("relative TLS files are taken from the configuration file's folder")
    func relativeTLSFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ur-swarm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bot.toml")
        try """
            [source]
            url = "/srv/git/bot.git"
            [swarm]
            endpoint = "tcp://127.0.0.1:2376"
            tls_ca_file = "tls/ca.pem"
            tls_cert_file = "tls/cert.pem"
            tls_key_file = "tls/key.pem"
            """.write(to: file, atomically: true, encoding: .utf8)
        let configuration = try ConfigurationLoader.load(path: file.path)
        #expect(configuration.swarm.tls.certificateFile == folder.appendingPathComponent("tls/cert.pem").standardizedFileURL.path)
    }

    @Test("a bad value names its key", arguments: [
        ("[launcher]\nkind = \"kubernetes\"", "launcher.kind"),
        ("[launcher]\nkinds = \"swarm\"", "launcher.kinds"),
        ("[swarm]\nendpoint = \"docker.sock\"", "swarm.endpoint"),
        ("[swarm]\nendpoint = \"tcp://10.0.0.1\"", "swarm.endpoint"),
        ("[swarm]\nendpoint = \"tcp://10.0.0.1:2376\"", "swarm.tls_ca_file"),
        ("[swarm]\nendpoint = \"tcp://10.0.0.1:2376\"\ntls_ca_file = \"ca.pem\"\ntls_cert_file = \"c.pem\"", "swarm.tls_key_file"),
        ("[swarm]\nrepository = \"MyBot\"", "swarm.repository"),
        ("[swarm]\nrepository = \"\"", "swarm.repository"),
        ("[swarm]\nbase_image = \"\"", "swarm.base_image"),
        ("[swarm]\nconstraints = [\"node.role worker\"]", "swarm.constraints"),
        ("[swarm]\nlimit_cpus = -1", "swarm.limit_cpus"),
        ("[swarm]\nlimit_cpus = \"half\"", "swarm.limit_cpus"),
        ("[swarm]\nlimit_memory = \"lots\"", "swarm.limit_memory"),
        ("[swarm]\nlabels = { \"urban-robot.fleet\" = \"x\" }", "swarm.labels.urban-robot.fleet"),
        ("[channel]\npublic_url = \"10.0.0.1:8080\"", "channel.public_url"),
    ])
    func badValue(tables: String, key: String) {
        #expect {
            try parse(tables)
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }

    @Test("memory sizes are read in bytes")
    func byteSizes() {
        #expect(ByteSizeText.parse("0") == 0)
        #expect(ByteSizeText.parse("64k") == 64 << 10)
        #expect(ByteSizeText.parse("2G") == 2 << 30)
        #expect(ByteSizeText.parse("1048576") == 1 << 20)
        #expect(ByteSizeText.parse("-1M") == nil)
        #expect(ByteSizeText.parse("M") == nil)
    }
}

@Suite("Deploy's swarm example")
struct SwarmExampleFileTests {
    @Test("Deploy/urban-robot.swarm.example.toml loads, with the swarm launcher")
    func swarmExampleLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let configuration = try ConfigurationLoader.load(path: root.appendingPathComponent("Deploy/urban-robot.swarm.example.toml").path)
        #expect(configuration.launcher.kind == .swarm)
        #expect(configuration.swarm.registry == "10.0.0.1:5000")
        #expect(configuration.channel.publicURL == "http://10.0.0.1:8080")
    }
}

@Suite("The daemon's launcher")
struct DaemonLauncherChoiceTests {
    @Test("kind = swarm makes the swarm launcher of [swarm], the registry in front of the repository")
    func swarmSettingsFollowTheConfiguration() throws {
        let configuration = try ConfigurationLoader.parse("""
            [source]
            url = "/srv/git/bot.git"
            [bot]
            command = ["python3", "bot.py", "--simulate"]
            [rollout]
            kill_grace = "3s"
            [channel]
            public_url = "http://10.0.0.1:8080"
            [launcher]
            kind = "swarm"
            [swarm]
            repository = "mybot"
            registry = "10.0.0.1:5000"
            constraints = ["node.role == worker"]
            limit_memory = "256M"
            """)
        let logger = Logger(label: "test")
        #expect(Daemon.makeLauncher(configuration, recorded: [], logger: logger) is SwarmLauncher)
        let local = try ConfigurationLoader.parse("[source]\nurl = \"/srv/git/bot.git\"")
        #expect(Daemon.makeLauncher(local, recorded: [], logger: logger) is LocalProcessLauncher)

        // Bots of the other kind still recorded: they are adopted by a launcher of their kind.
        let process = LaunchRecord(pid: 42, processGroup: 42, startTicks: 1, bootID: "b", clientID: "shard-0.1",
                                   revision: "abc", logPath: "/dev/null", launchedAt: 0)
        var service = process
        service.location = ClientLocation(service: "ur-mybot-shard-0-1-0a1b2c3d", serviceID: "s", taskID: "t",
                                          containerID: "c", nodeID: "n", node: "node-1")
        #expect(Daemon.makeLauncher(configuration, recorded: [service], logger: logger) is SwarmLauncher)
        let toSwarm = try #require(Daemon.makeLauncher(configuration, recorded: [service, process], logger: logger) as? SwitchedLauncher)
        #expect(toSwarm.current is SwarmLauncher && toSwarm.currentKind == .swarm && toSwarm.previous is LocalProcessLauncher)
        let toLocal = try #require(Daemon.makeLauncher(local, recorded: [service], logger: logger) as? SwitchedLauncher)
        #expect(toLocal.current is LocalProcessLauncher && toLocal.previous is SwarmLauncher)
        #expect(SwitchedLauncher.kind(of: service) == .swarm && SwitchedLauncher.kind(of: process) == .local)
        let settings = Daemon.swarmSettings(configuration)
        #expect(settings.fleet == "mybot" && settings.repository == "10.0.0.1:5000/mybot" && settings.registry == "10.0.0.1:5000")
        #expect(settings.image(of: "abc") == "10.0.0.1:5000/mybot:abc")
        #expect(settings.entryPoint == ["python3", "bot.py", "--simulate"] && settings.killGrace == .seconds(3))
        #expect(settings.channelURL == "http://10.0.0.1:8080" && settings.constraints == ["node.role == worker"])
        #expect(settings.limitMemory == 256 << 20 && settings.spread == "node.id")
    }

    @Test("a tcp:// endpoint is reached over TLS, and an error names it")
    func tcpEndpointErrorNamesIt() async throws {
        var swarm = SwarmSettings()
        swarm.endpoint = "tcp://127.0.0.1:1"
        swarm.tls = SwarmTLSFiles(caFile: "/nonexistent/ca.pem", certificateFile: "/nonexistent/cert.pem", keyFile: "/nonexistent/key.pem")
        let engine = DockerEngineClient(endpoint: swarm)
        #expect(engine.endpoint == "https://127.0.0.1:1")
        let error = await #expect(throws: DockerEngineError.self) { _ = try await engine.ping() }
        #expect(error?.description.contains("https://127.0.0.1:1") == true, "\(String(describing: error))")
    }
}
