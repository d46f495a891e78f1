import DockerEngine
import Foundation
import Supervisor
import SwarmLauncher
import TestSupport

/// One live test's fleet: a fleet name of its own, the base image tagged as its revision's image, a log folder.
struct SwarmTestBed {
    let engine: DockerEngineClient
    let fleet = "t\(UUID().uuidString.prefix(8).lowercased())"
    let revision = (0..<5).map { _ in String(format: "%08x", UInt32.random(in: 0...UInt32.max)) }.joined()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-\(UUID().uuidString)").path

    var repository: String { "urban-robot-swarm-test-\(fleet)" }

    /// The engine's client, when the private engine runs.
    static func engine() async -> DockerEngineClient? {
        guard let socket = await PrivateDockerEngine.socket() else { return nil }
        let engine = DockerEngineClient(socketPath: socket)
        return (try? await engine.ping()) == true ? engine : nil
    }

    /// A bed whose revision's image is the base image (`taggingBaseImage`), or is to be built.
    init(taggingBaseImage: Bool = true) async throws {
        guard let engine = await Self.engine() else { throw DockerEngineError(call: "ping", status: nil, message: "no engine") }
        self.engine = engine
        if taggingBaseImage {
            try await engine.tagImage(PrivateDockerEngine.baseImage, repository: repository, tag: revision)
        }
    }

    /// A release folder holding `files`.
    func release(files: [String: String]) throws -> String {
        let release = "\(folder)/releases/\(revision)"
        try FileManager.default.createDirectory(atPath: release, withIntermediateDirectories: true)
        for (name, content) in files { try content.write(toFile: "\(release)/\(name)", atomically: true, encoding: .utf8) }
        return release
    }

    /// The build request of `release` with `bot.build` = `command`.
    func buildRequest(release: String, command: [String]) -> BuildRequest {
        BuildRequest(command: command, releaseDirectory: release, environment: [:], revision: revision,
                     logPath: "\(folder)/logs/build/\(revision).log", timeout: .seconds(300))
    }

    /// A launcher of this fleet, as a daemon whose own `HOME` is `/daemon-home` makes it.
    func launcher(killGrace: Duration = .seconds(5)) -> SwarmLauncher {
        Self.launcher(engine: engine, fleet: fleet, repository: repository, killGrace: killGrace)
    }

    static func launcher(engine: DockerEngineClient, fleet: String, repository: String, killGrace: Duration = .seconds(5)) -> SwarmLauncher {
        var settings = SwarmLauncherSettings(fleet: fleet, repository: repository)
        settings.channelURL = "http://127.0.0.1:9"
        settings.daemonEnvironment = ["HOME": "/daemon-home", "PATH": "/daemon/bin"]
        settings.killGrace = killGrace
        return SwarmLauncher(engine: engine, settings: settings)
    }

    func logPath(_ client: String) -> String {
        "\(folder)/logs/\(client).log"
    }

    /// The request of a launch of `client` running `command`, with the environment a local launch would get.
    func request(client: String, key: String = "k3y", command: [String]) -> LaunchRequest {
        let environment = (try? LaunchEnvironment(inherited: ["HOME": "/daemon-home", "PATH": "/daemon/bin"]).make(
            configured: ["LOG_LEVEL": "debug"],
            identity: ClientIdentity(url: "http://127.0.0.1:8080", clientID: client, key: key, shard: 0, shardCount: 2, revision: revision))) ?? [:]
        return LaunchRequest(
            command: command, workingDirectory: folder, environment: environment, clientID: client, revision: revision,
            log: LogPolicy(path: logPath(client), redacting: [key]))
    }

    func record(client: String) -> LaunchRecord {
        LaunchRecord(pid: 0, processGroup: 0, startTicks: 0, bootID: "", clientID: client, revision: revision,
                     logPath: logPath(client), launchedAt: 0)
    }

    func removeFolder() {
        try? FileManager.default.removeItem(atPath: folder)
        let (engine, image) = (engine, "\(repository):\(revision)")
        Task { try? await engine.removeImage(image, force: true) }
    }
}
