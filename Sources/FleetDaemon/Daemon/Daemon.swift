import AdminAPI
public import Deployer
public import FleetConfiguration
import FleetTypes
import Foundation
import GitStore
import Hummingbird
public import Logging
public import ServiceLifecycle
import SocketIO
import Supervisor
import Synchronization
import UnixSignals

/// One daemon: the channel (Socket.IO on `[channel] listen`), the supervisor, the release store and the
/// deployment engine, run as one `ServiceGroup`.
///
/// ```swift
/// let daemon = try Daemon(configuration: try ConfigurationLoader.load(path: path), logger: logger)
/// daemon.observeActions { action in metrics.observe(action) }
/// try await daemon.run(additionalServices: [adminAPI])   // returns after SIGTERM/SIGINT
/// ```
///
/// SIGTERM or SIGINT shuts it down gracefully: deployment requests are refused, the step in flight settles, and
/// the bots keep running; the next daemon on the same state folder adopts their processes (from the launch
/// records in `state.sqlite`) and re-admits them when they reconnect. With `[bot] stop_with_daemon = true` it stops
/// every bot too (``FleetShutdown``), and the next daemon starts the fleet again on the revisions that were active.
///
/// The Discord token is read at start (`bot.token_env` or `bot.token_file`); it goes only into `hello` and
/// `process_commands` to authenticated clients. Everything the daemon logs passes through a handler that
/// redacts it; children never get it in their environment.
public final class Daemon: DaemonControl {
    let configuration: Configuration
    let logger: Logger
    let stateDirectory: String
    let store: DeployerStore
    let processes: RunningProcesses
    let launcher: any ProcessLauncher
    let socketServer: SocketIOServer
    let channel: BotChannel
    let driver: DriverReference
    let running = Readiness<DeployerDriver>()
    let releases = Readiness<ReleaseStore>()
    let port = Readiness<Int>()
    let channelURL = Readiness<String>()
    let work: DaemonWork
    let progressHub: ProgressHub
    let observers = ActionObservers()
    let notifier: Notifier
    let environment: LaunchEnvironment
    let accepting = Mutex(true)
    /// This daemon's lock on the state folder, held while the daemon lives.
    let stateLock: StateLock
    /// Where `--reset-state` moved the old contents, if it did: the new fleet's counters go on from there.
    let movedAside: String?
    /// When the stops of idle clients start.
    let stopWave: StopWave

    /// How often clients send `heartbeat` (seconds), told in `hello`.
    static let heartbeatInterval = 30

    /// Prepares a daemon: creates the state folder when missing (0700, with `logs/`, `state.sqlite` and
    /// `admin.token`; `repo.git` and `releases/` are made when it runs), takes the lock on it
    /// (`daemon.lock`) before reading anything, checks that a folder that ran a fleet still has its database,
    /// reads the Discord token, opens the store.
    /// - Parameter resetState: start over on purpose: move the folder's contents aside (``StateFolder``)
    ///   instead of refusing a folder whose database is missing.
    /// - Throws: ``DaemonError`` (`.stateFolder`, `.stateLocked` when another daemon runs on the folder,
    ///   `.stateMissing` when the folder ran a fleet but lost `state.sqlite`, `.token`), or the store's error.
    public convenience init(configuration: Configuration, logger: Logger, resetState: Bool = false) throws {
        try self.init(configuration: configuration, logger: logger, resetState: resetState, stopWave: .standard)
    }

    /// Prepares a daemon whose idle clients' stops start in `stopWave` (tests slow it down to see it).
    init(configuration: Configuration, logger: Logger, resetState: Bool, stopWave: StopWave) throws {
        self.configuration = configuration
        self.stopWave = stopWave
        stateDirectory = configuration.state.directory
        try Self.makeStateFolder(stateDirectory)
        stateLock = try StateLock(stateDirectory: stateDirectory)
        if resetState, let aside = try StateFolder.moveAside(stateDirectory) {
            logger.warning("state reset on request: the old contents were moved aside", metadata: ["folder": "\(aside)"])
            try Self.makeStateFolder(stateDirectory)
            movedAside = aside
        } else {
            movedAside = nil
        }
        try StateFolder.requireDatabase(stateDirectory)
        for file in ["", "-wal", "-shm"] {
            try PrivateFile.tighten(StateFolder.databasePath(stateDirectory) + file)
        }
        try PrivateFile.prepare(StateFolder.databasePath(stateDirectory))
        let adminToken = try AdminToken.loadOrCreate(stateDirectory: stateDirectory)
        let token: String
        do {
            token = try DiscordToken.read(configuration.bot.token, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw DaemonError(.token, error.message, cause: error.cause)
        }
        let logger = logger.redacting([token])
        self.logger = logger
        let store = try DeployerStore(path: StateFolder.databasePath(stateDirectory), durability: configuration.storeDurability)
        self.store = store
        progressHub = ProgressHub(store: store, failureLog: FailureLog(stateDirectory: stateDirectory))
        var forbidden: Set<String> = []
        if case .environment(let name) = configuration.bot.token { forbidden.insert(name) }
        environment = LaunchEnvironment(
            inherited: ProcessInfo.processInfo.environment, forbiddenNames: forbidden,
            secrets: [token, adminToken.value])
        let records = try LaunchRecordStore(database: store.writer)
        processes = RunningProcesses(
            records: records,
            logs: ClientLogPolicy(
                secrets: environment.secrets, keys: try LaunchKeySecret.keySource(stateDirectory: stateDirectory)))
        launcher = Self.makeLauncher(configuration, recorded: try records.all(), logger: logger)
        let driver = DriverReference()
        let work = DaemonWork()
        self.work = work
        self.driver = driver
        let channelSettings = configuration.channel
        let socketServer = SocketIOServer(
            configuration: .init(
                pingInterval: channelSettings.pingInterval, pingTimeout: channelSettings.pingTimeout,
                maxPayload: channelSettings.maxPayload, connectTimeout: configuration.health.identifyTimeout,
                maxSessions: channelSettings.maxSessions, maxUnauthenticatedSessions: channelSettings.maxUnauthenticated,
                maxUnauthenticatedSessionsPerAddress: channelSettings.maxUnauthenticatedPerPeer),
            logger: logger)
        let channel = BotChannel(
            driver: driver, token: token, allowUnmanaged: channelSettings.allowUnmanaged,
            heartbeatInterval: Self.heartbeatInterval, work: work, logger: logger)
        channel.install(on: socketServer)
        self.socketServer = socketServer
        self.channel = channel
        notifier = Notifier(targets: Notifier.targets(of: configuration.notify), logger: logger)
        let heapTrimmer = HeapTrimmer()
        observers.add { heapTrimmer.observe($0) }
    }

    /// Every action the engine emits, in order (for metrics). Add observers before ``run(additionalServices:)``.
    public func observeActions(_ observer: @escaping @Sendable (DeployerAction) -> Void) {
        observers.add(observer)
    }

    /// How many bot clients hold an authenticated channel session.
    public var channelSessionCount: Int { channel.sessionCount }

    /// The port the channel listens on, once it is bound (`listen = "127.0.0.1:0"` picks a free one).
    public var channelPort: Int {
        get async { await port.value }
    }

    /// Runs the daemon until SIGTERM/SIGINT (or a graceful shutdown of the caller's service group), then returns.
    /// - Parameter additionalServices: more services to run in the same group (the admin API, the poller); they
    ///   are shut down first.
    public func run(additionalServices: [any Service]) async throws {
        defer { stateLock.release() }
        // Before the first spawn: the bots get back the soft limit found.
        DescriptorBudget.raiseLimit(for: configuration, logger: logger)
        let releaseStore = try await openReleaseStore()
        let effects = DaemonEffects(parts: .init(
            configuration: configuration, channel: channel, driver: driver, work: work,
            launcher: launcher, processes: processes, releases: releaseStore,
            progress: progressHub, notifier: notifier, channelURL: channelURL, environment: environment,
            observers: observers, logger: logger), stopWave: stopWave)
        let recovered = try processes.withProcessIdentities(
            goingOnFromMovedAside(try store.recover(goodTags: try await effects.goodTags())))
        for client in recovered.clients { channel.issued(client.keyHash, to: client.client) }
        let engine = DeploymentEngine(settings: configuration.deployerSettings, keys: processes.logs.keys, recovered: recovered)
        let deployerDriver = DeployerDriver(engine: engine, store: store, effects: effects)
        driver.set(deployerDriver)
        let (adopted, gone) = try await processes.adoptSurvivors(with: launcher)
        logger.info("starting", metadata: ["adopted": "\(adopted)", "gone": "\(gone)"])
        try await deployerDriver.start()
        channel.forgetIssuedKeys(of: gone)
        for client in gone { await effects.submit(.exited(client, .unknown)) }
        releases.set(releaseStore)
        running.set(deployerDriver)
        try await serviceGroup(driver: deployerDriver, work: effects.parts.work, extra: additionalServices).run()
        logger.info(configuration.bot.stopWithDaemon ? "stopped with the bots" : "stopped; the bots keep running")
    }
}
