import FleetConfiguration
import DockerEngine
import Foundation
import Logging
import Supervisor
import SwarmLauncher

extension Daemon {
    /// The launcher of the configured kind (`[launcher] kind`); when bots of the other kind still have launch
    /// records (the key was changed between two runs), a ``SwitchedLauncher`` that adopts them with a launcher of
    /// their kind.
    static func makeLauncher(_ configuration: Configuration, recorded: [LaunchRecord], logger: Logger) -> any ProcessLauncher {
        let kind = configuration.launcher.kind
        let current = makeLauncher(kind, configuration)
        let others = recorded.filter { SwitchedLauncher.kind(of: $0) != kind }
        if kind == .local || others.contains(where: { SwitchedLauncher.kind(of: $0) == .local }),
            let missing = LocalProcessLauncher.missingLogRelay {
            logger.warning(
                """
                urban-robot-log-relay is not installed beside this program: each local bot's log relay starts this \
                whole program instead (some 20 ms of CPU per launch against 1); install it at \(missing)
                """)
        }
        guard let other = others.first.map(SwitchedLauncher.kind(of:)) else { return current }
        logger.warning(
            """
            [launcher] kind is "\(kind)" but clients of the "\(other)" launcher were running: that launcher adopts \
            those still running, and the next deployment hands their instances over to \(kind) clients
            """,
            metadata: ["clients": "\(others.map(\.clientID))"])
        return SwitchedLauncher(current: current, currentKind: kind, previous: makeLauncher(other, configuration))
    }

    /// The launcher of `kind`: the one place that names a concrete ``ProcessLauncher``. The rest of the daemon
    /// knows only the protocol.
    static func makeLauncher(_ kind: LauncherKind, _ configuration: Configuration) -> any ProcessLauncher {
        switch kind {
        case .local:
            return LocalProcessLauncher(usageFileLimitFloor: DescriptorBudget.usageFileLimitFloor(of: configuration))
        case .swarm:
            return SwarmLauncher(engine: DockerEngineClient(endpoint: configuration.swarm), settings: swarmSettings(configuration))
        }
    }

    /// What the swarm launcher makes its services and images of. The fleet is the image repository: one daemon
    /// per repository (a restarted daemon adopts the services labelled with it).
    static func swarmSettings(_ configuration: Configuration) -> SwarmLauncherSettings {
        let swarm = configuration.swarm
        let repository = swarm.registry.isEmpty ? swarm.repository : "\(swarm.registry)/\(swarm.repository)"
        var settings = SwarmLauncherSettings(fleet: swarm.repository, repository: repository)
        settings.registry = swarm.registry.isEmpty ? nil : swarm.registry
        settings.baseImage = swarm.baseImage
        settings.entryPoint = configuration.bot.command
        settings.constraints = swarm.constraints
        settings.spread = swarm.spread
        settings.limitCPUs = swarm.limitCPUs
        settings.limitMemory = swarm.limitMemory
        settings.labels = swarm.labels
        settings.channelURL = configuration.channel.publicURL.isEmpty ? nil : configuration.channel.publicURL
        settings.daemonEnvironment = ProcessInfo.processInfo.environment
        settings.killGrace = configuration.rollout.killGrace
        return settings
    }
}

extension DockerEngineClient {
    /// The client of `[swarm] endpoint`: its Unix socket, or `tcp://HOST:PORT` over TLS with the client certificate.
    init(endpoint swarm: SwarmSettings) {
        if swarm.endpoint.hasPrefix("tcp://") {
            self.init(
                tcp: String(swarm.endpoint.dropFirst("tcp://".count)),
                tls: DockerTLSFiles(caFile: swarm.tls.caFile, certificateFile: swarm.tls.certificateFile, keyFile: swarm.tls.keyFile))
        } else {
            self.init(socketPath: swarm.endpoint)
        }
    }
}
