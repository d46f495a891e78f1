/// The part of the configuration the engine decides with (`[bot]`, `[health]`, `[rollout]`, `[state]`).
///
/// The defaults are ARCHITECTURE.md's. `stop_grace` and `kill_grace` belong to the supervisor that performs
/// ``DeployerAction/stop(_:)``; the engine only waits for the resulting exit.
public struct DeployerSettings: Hashable, Sendable {
    /// How many instances (shards) the fleet runs.
    public var instances: Int
    /// How health reports are judged.
    public var health: HealthPolicy
    /// Launch to identified.
    public var identifyTimeout: Duration
    /// `hello` to `ready`.
    public var readyTimeout: Duration
    /// `cmd health_check` to the report.
    public var checkTimeout: Duration
    /// Re-check interval for the new actives during bake and watch; zero turns it off.
    public var healthInterval: Duration
    /// How many instances form the canary wave.
    public var canary: Int
    /// Watch time after the canary wave.
    public var bake: Duration
    /// Size of each later wave.
    public var batch: BatchSize
    /// Watch time after each later wave.
    public var batchBake: Duration
    /// Watch time for the whole fleet after the last wave.
    public var watch: Duration
    /// Whether the replaced actives stay in `coma` as standbys until the rollout ends.
    public var keepStandby: Bool
    /// How long the old active has to confirm `coma`.
    public var comaTimeout: Duration
    /// How long a disconnected client may take to reconnect.
    public var reconnectGrace: Duration
    /// Exits of one instance within `crashWindow` that make a crash loop.
    public var crashLoop: Int
    /// The window for `crashLoop`.
    public var crashWindow: Duration
    /// How many good revisions a rollback tries before halting.
    public var maxRollbackDepth: Int
    /// Automatic rollbacks allowed within an hour before halting.
    public var maxAutoRollbacks: Int
    /// Launches allowed per `identifySpacing`.
    public var maxConcurrency: Int
    /// The launch pacing window.
    public var identifySpacing: Duration
    /// First restart delay of a crashed active; doubles per recent exit.
    public var restartBackoff: Duration
    /// Largest restart delay.
    public var maxRestartBackoff: Duration
    /// Hold the rollout after the canary's bake until `promote` (or `abort`): a manual approval step.
    public var pauseAfterCanary: Bool

    /// Makes settings; every parameter defaults to ARCHITECTURE.md's default.
    public init(
        instances: Int = 1, health: HealthPolicy = HealthPolicy(),
        identifyTimeout: Duration = .seconds(30), readyTimeout: Duration = .seconds(120),
        checkTimeout: Duration = .seconds(30), healthInterval: Duration = .zero,
        canary: Int = 1, bake: Duration = .seconds(300), batch: BatchSize = .percent(25),
        batchBake: Duration = .zero, watch: Duration = .seconds(600), keepStandby: Bool = true,
        comaTimeout: Duration = .seconds(5), reconnectGrace: Duration = .seconds(10),
        crashLoop: Int = 3, crashWindow: Duration = .seconds(300), maxRollbackDepth: Int = 3,
        maxAutoRollbacks: Int = 3, maxConcurrency: Int = 1, identifySpacing: Duration = .milliseconds(5500),
        restartBackoff: Duration = .seconds(1), maxRestartBackoff: Duration = .seconds(60),
        pauseAfterCanary: Bool = false
    ) {
        self.instances = instances
        self.health = health
        self.identifyTimeout = identifyTimeout
        self.readyTimeout = readyTimeout
        self.checkTimeout = checkTimeout
        self.healthInterval = healthInterval
        self.canary = canary
        self.bake = bake
        self.batch = batch
        self.batchBake = batchBake
        self.watch = watch
        self.keepStandby = keepStandby
        self.comaTimeout = comaTimeout
        self.reconnectGrace = reconnectGrace
        self.crashLoop = crashLoop
        self.crashWindow = crashWindow
        self.maxRollbackDepth = maxRollbackDepth
        self.maxAutoRollbacks = maxAutoRollbacks
        self.maxConcurrency = maxConcurrency
        self.identifySpacing = identifySpacing
        self.restartBackoff = restartBackoff
        self.maxRestartBackoff = maxRestartBackoff
        self.pauseAfterCanary = pauseAfterCanary
    }

    /// The instances of each wave: the first `canary` instances, then batches of ``batch``.
    public func waves() -> [[Int]] {
        guard instances > 0 else { return [] }
        let canaryCount = min(max(canary, 1), instances)
        var waves = [Array(0..<canaryCount)]
        let size = batch.count(of: instances)
        var next = canaryCount
        while next < instances {
            let end = min(next + size, instances)
            waves.append(Array(next..<end))
            next = end
        }
        return waves
    }
}

/// A wave size: a count of instances or a percentage of the fleet (at least one instance either way).
public enum BatchSize: Hashable, Sendable {
    /// This many instances.
    case count(Int)
    /// This percentage of the fleet, rounded up.
    case percent(Int)

    /// The number of instances in a wave of a fleet of `fleet` instances.
    public func count(of fleet: Int) -> Int {
        switch self {
        case .count(let count): max(1, count)
        case .percent(let percent): max(1, (fleet * percent + 99) / 100)
        }
    }
}
