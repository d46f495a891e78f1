import AdminAPI
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// A client adopted by a restarted daemon keeps a log redacted as at its launch: of the Discord token and of its
/// launch key. The bot prints both at each `hello` (its first, and the one after the restart). With the local
/// launcher the redacting relay outlives the daemon; with the swarm launcher the restarted daemon forwards the
/// container's output itself, through a relay it starts at the adoption.
@Suite("Integration: an adopted client's log is redacted as a launched one's", .serialized)
struct AdoptedLogRedactionIntegrationTests {
    /// The example bot, printing what no log may hold at each `hello`.
    static let leakyBot = """
        import sys, runpy, urban_robot_client
        hello = urban_robot_client.UrbanRobotClient._hello
        async def leaky_hello(self, data):
            print(f"leak: key {self.key} token {data.get('token')}", flush=True)
            await hello(self, data)
        urban_robot_client.UrbanRobotClient._hello = leaky_hello
        sys.argv = ["bot.py", "--simulate"]
        runpy.run_path("bot.py", run_name="__main__")

        """
    static let redactedLine = "leak: key <redacted> token <redacted>"

    @Test("local processes: the relay that outlives the daemon keeps redacting")
    func localClient() async throws {
        try await expectRedactedAfterRestart { configuration in configuration.bot.command = ["python3", "leaky.py"] }
    }

    @Test("Swarm services: the restarted daemon redacts the adopted container's output",
          .enabled("the private Docker engine runs (Scripts/docker-engine start)") { await SwarmFleet.engineSocket() != nil })
    func swarmClient() async throws {
        let fleet = SwarmFleet(socket: try #require(await SwarmFleet.engineSocket()))
        try await fleet.run {
            try await expectRedactedAfterRestart(adoptHeader: true) { configuration in
                configuration.bot.command = ["python3", "leaky.py"]
                fleet.configure(&configuration)
            }
        }
    }

    /// Deploys the leaky bot on one instance, restarts the daemon, and checks the client's log once the restarted
    /// daemon re-admitted it and the bot printed again (after the `adopt` header the swarm launcher writes).
    private func expectRedactedAfterRestart(adoptHeader: Bool = false, _ adjust: @escaping (inout Configuration) -> Void) async throws {
        try await Scenario.run { scenario in
            let leaky = try await scenario.repository.commit("leaky", simulate: nil, files: ["leaky.py": Self.leakyBot])
            let (port, client, logPath) = try await scenario.withDaemon(instances: 1, adjust: adjust) {
                first async throws -> (Int, String, String) in
                let deployed = try await first.deploy(leaky, timeout: .seconds(300))
                #expect(deployed.outcome == .succeeded, "\(deployed.reason ?? "")")
                let client = try #require(await first.daemon.status().instances.first?.active?.client.rawValue)
                let logPath = "\(first.configuration.state.directory)/logs/0/\(client).log"
                _ = try await first.poll("the launched bot's leak line", timeout: .seconds(60)) {
                    Self.leakLines(in: Self.read(logPath)).isEmpty ? nil : true
                }
                return (await first.daemon.channelPort, client, logPath)
            }

            try await scenario.withDaemon(instances: 1, port: port, adjust: adjust) { second in
                _ = try await second.poll("the bot's re-admission and its leak line after it", timeout: .seconds(120)) {
                    () -> Bool? in
                    guard second.daemon.channelSessionCount == 1 else { return nil }
                    let log = Self.read(logPath)
                    let afterAdoption = adoptHeader ? log.components(separatedBy: " adopt \(client) ").dropFirst().last ?? "" : log
                    return Self.leakLines(in: afterAdoption).count >= (adoptHeader ? 1 : 2) ? true : nil
                }
                let key = try LaunchKeySecret.keySource(stateDirectory: second.configuration.state.directory)
                    .key(for: ClientID(rawValue: client))
                let log = Self.read(logPath)
                #expect(Self.leakLines(in: log).allSatisfy { $0 == Self.redactedLine }, "\(log)")
                #expect(!log.contains(key) && !log.contains(DaemonHarness.token), "\(log)")
            }
        }
    }

    /// The `leak:` lines of `log`.
    private static func leakLines(in log: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.hasPrefix("leak: ") }
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
