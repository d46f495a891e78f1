import ArgumentParser
import FleetDemo
import Foundation

/// `urban-robot demo`: a live deployment story in a temporary folder.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Tells a deployment story live: v1, a v2 that fails its health check, a v3 that crashes in the bake, "
            + "a good v4, and a rollback by hand to v1's good tag.",
        discussion: "Needs git and python3 with python-socketio (Scripts/bootstrap installs them). Runs in a temporary "
            + "folder, with a daemon of its own on free loopback ports, and exits 0 only when every step went as told."
    )

    @Flag(help: "Keep the demo's temporary folder (repository, state, logs) for a look afterwards.")
    var keep = false

    func run() async throws {
        let binary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        guard try await Demo(binary: binary, keepFolder: keep).run() else { throw ExitCode.failure }
    }
}
