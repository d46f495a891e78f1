import Foundation

/// The temporary folder of `urban-robot demo`: a bot repository with the post-receive
/// hook, a working copy to push from, a configuration with short timings, and the
/// daemon's state.
struct DemoWorkspace {
    /// The Discord token the demo's daemon hands to its simulated bots: not a secret.
    static let demoToken = "demo-token-not-a-real-discord-token"
    /// The variable of the daemon's environment that holds ``demoToken``.
    static let tokenVariable = "URBAN_ROBOT_DEMO_TOKEN"

    let root: URL
    var sourceRepository: URL { root.appendingPathComponent("bot.git") }
    var workingCopy: URL { root.appendingPathComponent("work") }
    var configuration: URL { root.appendingPathComponent("urban-robot.toml") }
    var stateDirectory: URL { root.appendingPathComponent("state") }
    var daemonLog: URL { root.appendingPathComponent("daemon.log") }

    /// Makes the folder, the bare repository and the working copy with the example bot.
    static func create(instances: Int) async throws -> DemoWorkspace {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("urban-robot-demo-\(UUID().uuidString.prefix(8))")
        let workspace = DemoWorkspace(root: root)
        try FileManager.default.createDirectory(at: workspace.workingCopy, withIntermediateDirectories: true)
        for (name, content) in ExampleBotFiles.files {
            try Data((content + "\n").utf8).write(to: workspace.workingCopy.appendingPathComponent(name))
        }
        try await DemoCommandRunner.run("git", ["init", "-q", "--bare", "-b", "main", workspace.sourceRepository.path])
        try await DemoCommandRunner.run("git", ["init", "-q", "-b", "main", workspace.workingCopy.path])
        try await DemoCommandRunner.run("git", ["-C", workspace.workingCopy.path, "remote", "add", "origin",
                                          workspace.sourceRepository.path])
        let channelPort = try freeLoopbackPort()
        let adminPort = try freeLoopbackPort()
        try Data(configurationText(workspace: workspace, instances: instances, channelPort: channelPort,
                                   adminPort: adminPort).utf8).write(to: workspace.configuration)
        return workspace
    }

    /// Commits `simulation` as the bot's `simulate.json` with `message`, and returns the commit id.
    func commit(simulation: String, version: String, message: String) async throws -> String {
        try Data((simulation + "\n").utf8).write(to: workingCopy.appendingPathComponent("simulate.json"))
        try Data("\(version)\n".utf8).write(to: workingCopy.appendingPathComponent("VERSION"))
        try await DemoCommandRunner.run("git", ["-C", workingCopy.path, "add", "-A"])
        try await DemoCommandRunner.run("git", ["-C", workingCopy.path, "-c", "user.name=Demo Author",
                                          "-c", "user.email=demo@urban-robot.invalid", "commit", "-q", "-m", message])
        return try await DemoCommandRunner.run("git", ["-C", workingCopy.path, "rev-parse", "HEAD"])
    }

    /// The configuration: three shards, short bakes, fast launches, loopback ports.
    private static func configurationText(workspace: DemoWorkspace, instances: Int, channelPort: Int,
                                          adminPort: Int) -> String {
        """
        # urban-robot demo: short timings so that the whole story fits in two minutes.
        [source]
        url = "\(workspace.sourceRepository.path)"
        branch = "main"

        [bot]
        command = ["python3", "bot.py", "--simulate"]
        instances = \(instances)
        token_env = "\(tokenVariable)"

        [health]
        identify_timeout = "15s"
        ready_timeout = "15s"
        check_timeout = "10s"

        [rollout]
        canary = 1
        bake = "5s"
        batch = 1
        watch = "2s"
        coma_timeout = "2s"
        stop_grace = "3s"
        kill_grace = "2s"
        reconnect_grace = "3s"
        identify_spacing = "200ms"

        [channel]
        listen = "127.0.0.1:\(channelPort)"

        [admin]
        listen = "127.0.0.1:\(adminPort)"

        [state]
        dir = "\(workspace.stateDirectory.path)"

        """
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    private static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw DemoError("cannot open a socket to find a free port") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw DemoError("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A step of the demo that did not go as the story says.
struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
