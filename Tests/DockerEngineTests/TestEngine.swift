import DockerEngine
import Foundation
import TestSupport

/// The private Docker engine of `Scripts/docker-engine` (started by it when it is not running: as root on Debian it
/// installs `docker.io`, starts `dockerd` in swarm mode and imports the base image). Live tests run only when it
/// answers; otherwise they are skipped, with the script's own error as the reason.
enum TestEngine {
    /// The base image the script imports.
    static let baseImage = ProcessInfo.processInfo.environment["URBAN_ROBOT_BASE_IMAGE"] ?? "urban-robot-base:bookworm"

    /// The engine's client, once the script has started it (at most once per test process).
    static func client() async -> DockerEngineClient? {
        await started.value
    }

    private static let started = Task<DockerEngineClient?, Never> {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Scripts/docker-engine").standardized.path
        guard let result = try? await Command.run([script, "start"]), result.status == 0,
              let socket = result.outputLines.last
        else {
            print("DockerEngineTests: live tests skipped: Scripts/docker-engine start could not start the engine")
            return nil
        }
        let client = DockerEngineClient(socketPath: socket)
        do {
            return try await client.ping() ? client : nil
        } catch {
            print("DockerEngineTests: live tests skipped: \(error)")
            return nil
        }
    }
}
