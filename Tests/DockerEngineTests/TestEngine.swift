import DockerEngine
import TestSupport

/// The client of ``PrivateDockerEngine``: live tests run only when it answers.
enum TestEngine {
    /// The base image the script imports.
    static let baseImage = PrivateDockerEngine.baseImage

    /// The engine's client, once the script has started it and it answers.
    static func client() async -> DockerEngineClient? {
        guard let socket = await PrivateDockerEngine.socket() else { return nil }
        let client = DockerEngineClient(socketPath: socket)
        do {
            return try await client.ping() ? client : nil
        } catch {
            print("DockerEngineTests: live tests skipped: \(error)")
            return nil
        }
    }
}
