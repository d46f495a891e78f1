import Foundation

/// The private Docker engine of `Scripts/docker-engine`, started by the script when it is not running (as root on
/// Debian it installs `docker.io`, starts `dockerd` in swarm mode on its own socket and imports the base image).
/// Live tests of the swarm launcher run only when it answers; they are skipped otherwise, with the reason printed.
public enum PrivateDockerEngine {
    /// The base image the script imports.
    public static let baseImage = ProcessInfo.processInfo.environment["URBAN_ROBOT_BASE_IMAGE"] ?? "urban-robot-base:bookworm"

    /// The engine's socket path once the script has started it (at most once per test process); nil when it could
    /// not (not root, no Debian packages).
    public static func socket() async -> String? {
        await started.value
    }

    private static let started = Task<String?, Never> {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Scripts/docker-engine").standardized.path
        guard let result = try? await Command.run([script, "start"]), result.status == 0,
              let socket = result.outputLines.last
        else {
            print("live Docker engine tests skipped: Scripts/docker-engine start could not start the engine (it needs root and Debian's docker.io)")
            return nil
        }
        return socket
    }
}
