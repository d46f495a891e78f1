import AdminAPI
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// An in-process ``Daemon`` of a ``Scenario`` on 127.0.0.1 (port 0 unless given) with short timings, and the waits
/// the scenarios need (polling `status()` with deadlines, never fixed sleeps). Made and shut down by
/// ``Scenario/withDaemon(instances:port:allowUnmanaged:notifyURL:adjust:logHandler:stopWave:_:)`` only.
final class DaemonHarness: Sendable {
    /// The recognisable Discord token of the tests.
    static let token = "URBANROBOT-TEST-TOKEN-\(UUID().uuidString)"

    let daemon: Daemon
    let configuration: Configuration
    let group: ServiceGroup
    private let scenario: Scenario

    init(scenario: Scenario, instances: Int, port: Int, allowUnmanaged: Bool, notifyURL: String,
         adjust: (inout Configuration) -> Void, logHandler: (@Sendable (String) -> any LogHandler)?,
         stopWave: StopWave) throws {
        let folder = scenario.folder
        let tokenFile = "\(folder)/discord.token"
        if !FileManager.default.fileExists(atPath: tokenFile) {
            try Self.token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        }
        var configuration = Configuration()
        configuration.source.url = scenario.repository.url
        configuration.bot.command = ["python3", "bot.py", "--simulate"]
        configuration.bot.instances = instances
        configuration.bot.token = .file(tokenFile)
        configuration.bot.environment = [BotStateRecord.variable: scenario.stateRecord]
        configuration.health.identifyTimeout = .seconds(30)
        configuration.health.readyTimeout = .seconds(30)
        configuration.health.checkTimeout = .seconds(10)
        configuration.rollout.bake = .seconds(3)
        configuration.rollout.batch = .count(1)
        configuration.rollout.watch = .seconds(1)
        configuration.rollout.comaTimeout = .seconds(3)
        configuration.rollout.stopGrace = .seconds(3)
        configuration.rollout.killGrace = .seconds(2)
        configuration.rollout.reconnectGrace = .seconds(20)
        configuration.rollout.identifySpacing = .milliseconds(100)
        configuration.rollout.maxConcurrency = 2
        configuration.channel.listen = ListenAddress(host: "127.0.0.1", port: port)
        configuration.channel.allowUnmanaged = allowUnmanaged
        configuration.notify.webhook = notifyURL
        configuration.state.directory = "\(folder)/state"
        adjust(&configuration)
        self.configuration = configuration
        self.scenario = scenario
        var logger = logHandler.map { Logger(label: "integration", factory: $0) } ?? Logger(label: "integration")
        logger.logLevel = ProcessInfo.processInfo.environment["URBAN_ROBOT_TEST_LOG"] == nil ? .warning : .debug
        daemon = try Daemon(configuration: configuration, logger: logger, resetState: false, stopWave: stopWave)
        group = ServiceGroup(services: [DaemonService(daemon: daemon)], logger: logger)
    }

    /// Deploys `ref` from the CLI and waits (up to `timeout`) until the deployment is terminal.
    func deploy(_ ref: String, timeout: Duration = .seconds(90)) async throws -> HistoryEntry {
        let id = try await daemon.requestDeployment(DeploymentRequest(ref: ref, trigger: .cli, who: "test"))
        return try await waitForOutcome(of: id, timeout: timeout)
    }

    /// Waits until deployment `id` is terminal.
    func waitForOutcome(of id: Int, timeout: Duration = .seconds(90)) async throws -> HistoryEntry {
        let entry: HistoryEntry = try await poll("deployment #\(id) to end", timeout: timeout) {
            guard let entry = try await self.daemon.deployment(id: id), entry.outcome.isTerminal else { return nil }
            return entry
        }
        _ = await pids()
        return entry
    }

    /// Polls `check` every 50 ms until it returns a value or `timeout` passes.
    func poll<T>(_ what: String, timeout: Duration = .seconds(60), _ check: () async throws -> T?) async throws -> T {
        try await Self.poll(what, timeout: timeout, check)
    }

    /// Polls `check` every 50 ms until it returns a value or `timeout` passes (also once the daemon is gone).
    static func poll<T>(_ what: String, timeout: Duration = .seconds(60), _ check: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try await check() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw IntegrationError("timed out after \(timeout) waiting for \(what)")
    }

    /// Every pid the status shows (remembered by the scenario, which kills them when it ends).
    func pids() async -> [Int32] {
        let pids = await daemon.status().instances.flatMap { [$0.active, $0.standby, $0.candidate].compactMap { $0?.pid } }
        scenario.remember(pids)
        return pids
    }

    /// The lines of the log of `client` of `instance`.
    func log(instance: Int, client: String) throws -> String {
        try String(contentsOfFile: "\(configuration.state.directory)/logs/\(instance)/\(client).log", encoding: .utf8)
    }
}

/// Runs a daemon as a service of the test's group.
struct DaemonService: Service {
    let daemon: Daemon

    func run() async throws {
        try await daemon.run(additionalServices: [])
    }
}
