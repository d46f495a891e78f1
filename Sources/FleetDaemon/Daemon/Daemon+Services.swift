import Deployer
import FleetConfiguration
import Foundation
import GitStore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SocketIO
import Supervisor
import Synchronization
import UnixSignals

extension Daemon {
    /// Creates the state folder (0700) and `logs/` when missing.
    static func makeStateFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: "\(path)/logs", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        } catch {
            throw DaemonError(.stateFolder, "the state folder \(path) could not be created; check state.dir and "
                + "the permissions of its parent", cause: error)
        }
    }

    /// Checks that a local `source.url` (a path or `file://`) is a git repository, so that `serve` names a wrong
    /// one at start. Remote URLs are checked by the first fetch.
    /// - Throws: ``GitStore/GitStoreError`` `.fetch` naming the URL.
    public func checkSource() throws {
        try ReleaseStore.checkLocalSource(configuration.source.url)
    }

    /// `recovered`, after a `--reset-state`, with the epochs and launch counters of the moved-aside database
    /// (``MovedAsideCounters``); one that cannot be read is logged and skipped.
    func goingOnFromMovedAside(_ recovered: RecoveredState) -> RecoveredState {
        guard let movedAside else { return recovered }
        do {
            let counters = try MovedAsideCounters(aside: movedAside)
            logger.info("launch numbers and epochs go on from the moved-aside state",
                        metadata: ["launches": "\(counters.launches)", "epochs": "\(counters.epochs)"])
            return counters.raising(recovered)
        } catch {
            logger.warning("the moved-aside database could not be read: launch numbers start over",
                           metadata: ["folder": "\(movedAside)", "error": "\(error)"])
            return recovered
        }
    }

    /// Opens the release store (`repo.git`, `releases/`) of `[source]` and `[state]`.
    func openReleaseStore() async throws -> ReleaseStore {
        let source = configuration.source
        let credentials: GitCredentials = source.sshKeyFile.isEmpty ? .none : .sshKey(privateKey: source.sshKeyFile)
        return try await ReleaseStore(configuration: .init(
            stateDirectory: stateDirectory, sourceURL: source.url, branch: source.branch, credentials: credentials,
            goodTagPrefix: configuration.state.goodTagPrefix, keepReleases: configuration.state.keepReleases,
            pushTags: configuration.state.pushTags))
    }

    /// The group: notifier, channel app (with the Socket.IO server), driver, exit watcher, job runner, the
    /// caller's services, and the flag that stops taking deployments; shut down in reverse order on SIGTERM/SIGINT.
    func serviceGroup(driver: DeployerDriver, work: DaemonWork, extra: [any Service]) -> ServiceGroup {
        let listen = configuration.channel.listen
        let port = self.port
        let channelURL = self.channelURL
        let configuration = self.configuration
        let app = socketServer.application(
            configuration: ApplicationConfiguration(address: .hostname(listen.host, port: listen.port)),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? listen.port
                port.set(bound)
                channelURL.set(configuration.channelURL(port: bound))
            },
            logger: logger)
        let watcher = ExitWatcher(
            launcher: launcher, processes: processes, driver: self.driver, executor: driver.taskExecutor,
            channel: channel, logger: logger)
        // Shut down in reverse order: with stop_with_daemon, the fleet stops after the work, the watcher and the
        // driver, while the channel is still open for `cmd shutdown`.
        var fleet: [any Service] = []
        if configuration.bot.stopWithDaemon {
            fleet.append(FleetShutdown(
                processes: processes, channel: channel, driver: self.driver,
                timing: StopTiming(stopGrace: configuration.rollout.stopGrace, killGrace: configuration.rollout.killGrace),
                logger: logger))
        }
        let services: [any Service] = [notifier, app] + fleet + [driver, watcher, work] + extra
            + [DeploymentGate(daemon: self)]
        return ServiceGroup(configuration: .init(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }
}

/// Refuses deployment requests from the moment the graceful shutdown begins (it is the first service shut down).
struct DeploymentGate: Service {
    let daemon: Daemon

    func run() async {
        try? await gracefulShutdown()
        daemon.accepting.withLock { $0 = false }
    }
}
