import Deployer
import FleetConfiguration

extension Configuration {
    /// The engine's settings from `[bot]`, `[health]` and `[rollout]`.
    var deployerSettings: DeployerSettings {
        let batch: Deployer.BatchSize =
            switch rollout.batch {
            case .count(let count): .count(count)
            case .percent(let percent): .percent(percent)
            }
        return DeployerSettings(
            instances: bot.instances,
            health: HealthPolicy(vitalCogs: health.vitalCogs, minPercent: Double(health.minPercent)),
            identifyTimeout: health.identifyTimeout, readyTimeout: health.readyTimeout,
            checkTimeout: health.checkTimeout, healthInterval: health.healthInterval,
            canary: rollout.canary, bake: rollout.bake, batch: batch, batchBake: rollout.batchBake,
            watch: rollout.watch, keepStandby: rollout.keepStandby, comaTimeout: rollout.comaTimeout,
            reconnectGrace: rollout.reconnectGrace, crashLoop: rollout.crashLoop, crashWindow: rollout.crashWindow,
            maxRollbackDepth: rollout.maxRollbackDepth, maxAutoRollbacks: rollout.maxAutoRollbacks,
            maxConcurrency: rollout.maxConcurrency, identifySpacing: rollout.identifySpacing,
            pauseAfterCanary: rollout.pauseAfterCanary)
    }

    /// What a commit of the state store must survive: the machine's crash when the bots run elsewhere (Swarm
    /// services), whose roles and epochs the store must not forget; the daemon's when they are its own processes,
    /// which a crash of the machine ends too.
    var storeDurability: CommitDurability {
        switch launcher.kind {
        case .local: .survivesTheDaemon
        case .swarm: .survivesTheMachine
        }
    }

    /// The channel's base URL for the bots, with the bound `port`: a wildcard listen address is reached on
    /// loopback.
    func channelURL(port: Int) -> String {
        let host = channel.listen.host
        switch host {
        case "", "0.0.0.0", "*": return "http://127.0.0.1:\(port)"
        case "::", "[::]": return "http://[::1]:\(port)"
        default: return host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
        }
    }
}
