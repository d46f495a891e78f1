import DockerEngine
@testable import FleetConfiguration
import Foundation
import TestSupport

/// What the integration scenarios with the swarm launcher share: the private engine of `Scripts/docker-engine`, a
/// fleet (image repository) of the test's own, and its removal (its bots outlive the daemons).
struct SwarmFleet {
    /// The engine's socket.
    let socket: String
    /// The image repository, which names the fleet.
    let repository = "urban-robot-it-\(UUID().uuidString.prefix(8).lowercased())"

    /// The engine's socket when the private engine answers.
    static func engineSocket() async -> String? {
        guard let socket = await PrivateDockerEngine.socket() else { return nil }
        return (try? await DockerEngineClient(socketPath: socket).ping()) == true ? socket : nil
    }

    /// `configuration` with the swarm launcher on this fleet, the time containers need to start, and no `bot.env`
    /// (the bots' state record is a file of this machine).
    func configure(_ configuration: inout Configuration) {
        configuration.bot.environment = [:]
        configuration.launcher.kind = .swarm
        configuration.swarm.endpoint = socket
        configuration.swarm.repository = repository
        configuration.health.identifyTimeout = .seconds(120)
    }

    /// Runs `body`, then removes the fleet's services, secrets and images, whatever happened.
    func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await remove()
            throw error
        }
        await remove()
    }

    /// The fleet's services.
    func services() async throws -> [ServiceInfo] {
        try await DockerEngineClient(socketPath: socket).services(label: "urban-robot.fleet=\(repository)")
    }

    private func remove() async {
        let engine = DockerEngineClient(socketPath: socket)
        for service in (try? await services()) ?? [] {
            try? await engine.removeService(service.id)
            try? await engine.removeSecret(service.spec.name + "-key")
        }
        for image in (try? await engine.images(label: "urban-robot.fleet=\(repository)")) ?? [] {
            try? await engine.removeImage(image.id, force: true)
        }
    }
}
