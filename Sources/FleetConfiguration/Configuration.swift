/// The whole configuration of one urban-robot daemon: one TOML file, one bot.
///
/// Every key of the file has a default, so an empty file is a valid configuration
/// of a small bot (it still needs a source). Load one with ``ConfigurationLoader``:
///
/// ```swift
/// let configuration = try ConfigurationLoader.load(path: "/etc/urban-robot/mybot.toml")
/// print(configuration.rollout.bake)   // 300.0 seconds unless the file says otherwise
/// ```
public struct Configuration: Sendable, Equatable {
    /// `[source]`: where revisions come from.
    public var source = SourceSettings()
    /// `[bot]`: what to run.
    public var bot = BotSettings()
    /// `[health]`: the gate's policy and timeouts.
    public var health = HealthSettings()
    /// `[rollout]`: the canary, batches, bakes and rollback limits.
    public var rollout = RolloutSettings()
    /// `[channel]`: the Socket.IO listener the bots talk to.
    public var channel = ChannelSettings()
    /// `[admin]`: the loopback admin API the CLI talks to.
    public var admin = AdminSettings()
    /// `[webhook]`: the GitHub push webhook.
    public var webhook = WebhookSettings()
    /// `[notify]`: where deployment news is posted.
    public var notify = NotifySettings()
    /// `[state]`: the state folder and what is kept in it.
    public var state = StateSettings()
    /// `[launcher]`: what runs the bot clients.
    public var launcher = LauncherSettings()
    /// `[swarm]`: the Docker engine of `[launcher] kind = "swarm"`.
    public var swarm = SwarmSettings()

    /// A configuration with every default.
    public init() {}
}

/// `[source]`: the git repository that revisions are fetched from.
public struct SourceSettings: Sendable, Equatable {
    /// `url`: a path, `file://`, `https://` or `ssh://` address. Empty until configured.
    public var url = ""
    /// `branch`: the branch whose tip push, webhook and poll deploy.
    public var branch = "main"
    /// `poll`: fetch and deploy new tips this often; zero turns polling off.
    public var poll: Duration = .zero
    /// `marker`: when not empty, push and webhook deploy only commits whose message starts with it.
    public var marker = ""
    /// `token_file`: a file holding an HTTPS access token for the source (empty: none).
    public var tokenFile = ""
    /// `ssh_key_file`: a private key file for an `ssh://` source (empty: the SSH agent).
    public var sshKeyFile = ""
}

/// `[bot]`: the command that runs one instance of the bot.
public struct BotSettings: Sendable, Equatable {
    /// `command`: argv, run in the release directory.
    public var command = ["python3", "bot.py"]
    /// `build`: argv run once per release before its first launch; empty for none.
    public var build: [String] = []
    /// `instances`: the number of bot processes (Discord shards).
    public var instances = 1
    /// Where the Discord token is read from (`token_env` or `token_file`).
    public var token: TokenSource = .environment("DISCORD_TOKEN")
    /// `env`: extra environment variables for the bot.
    public var environment: [String: String] = [:]
    /// `stop_with_daemon` (our addition): when true, a graceful stop of `serve` stops every bot too, and a bot the
    /// daemon launched gets SIGTERM when the daemon dies abruptly; when false (the default) the bots outlive it.
    public var stopWithDaemon = false
}

/// Where the daemon reads the bot's Discord token.
public enum TokenSource: Sendable, Equatable {
    /// `token_env`: a variable of the daemon's own environment.
    case environment(String)
    /// `token_file`: a file whose content (trimmed) is the token.
    case file(String)
}

/// `[health]`: how a health report is judged and how long each gate phase may take.
public struct HealthSettings: Sendable, Equatable {
    /// `vital_cogs`: cogs that must be present and true in a report that is not `OK`.
    public var vitalCogs: [String] = []
    /// `min_percent`: the least `percent` a report that is not `OK` may have.
    public var minPercent = 100
    /// `identify_timeout`: launch to `identify`.
    public var identifyTimeout: Duration = .seconds(30)
    /// `ready_timeout`: `hello` to `ready`.
    public var readyTimeout: Duration = .seconds(120)
    /// `check_timeout`: `cmd health_check` to its answer.
    public var checkTimeout: Duration = .seconds(30)
    /// `health_interval`: re-check serving clients during bake and watch this often; zero is off.
    public var healthInterval: Duration = .zero
}

/// `[rollout]`: how a revision spreads over the fleet and how failures are undone.
public struct RolloutSettings: Sendable, Equatable {
    /// `canary`: instances gated first.
    public var canary = 1
    /// `bake`: how long the canaries are watched.
    public var bake: Duration = .seconds(300)
    /// `batch`: instances per batch after the canary.
    public var batch: BatchSize = .percent(25)
    /// `batch_bake`: how long each batch is watched.
    public var batchBake: Duration = .zero
    /// `watch`: how long the whole fleet is watched after the last batch.
    public var watch: Duration = .seconds(600)
    /// `keep_standby`: keep the previous active in coma during the bake for an instant rollback.
    public var keepStandby = true
    /// `pause_after_canary`: hold the rollout after the canary's bake until `promote` (or `abort`).
    public var pauseAfterCanary = false
    /// `coma_timeout`: how long to wait for a `coma` confirmation.
    public var comaTimeout: Duration = .seconds(5)
    /// `stop_grace`: how long a client may take to exit after `shutdown`.
    public var stopGrace: Duration = .seconds(10)
    /// `kill_grace`: how long after SIGTERM before SIGKILL.
    public var killGrace: Duration = .seconds(5)
    /// `reconnect_grace`: how long a disconnected client may take to reconnect.
    public var reconnectGrace: Duration = .seconds(10)
    /// `crash_loop`: this many exits within `crash_window` trigger an automatic rollback.
    public var crashLoop = 3
    /// `crash_window`: see `crash_loop`.
    public var crashWindow: Duration = .seconds(300)
    /// `max_rollback_depth`: how many good tags a rollback tries before halting.
    public var maxRollbackDepth = 3
    /// `max_auto_rollbacks`: automatic rollbacks allowed per hour before halting.
    public var maxAutoRollbacks = 3
    /// `max_concurrency`: launches allowed per `identify_spacing`.
    public var maxConcurrency = 1
    /// `identify_spacing`: see `max_concurrency` (Discord allows one IDENTIFY per 5 s per bucket).
    public var identifySpacing: Duration = .milliseconds(5500)
}

/// The size of a rollout batch: a count of instances or a share of the fleet.
public enum BatchSize: Sendable, Equatable {
    /// A number of instances.
    case count(Int)
    /// A percentage of the fleet, rounded up, at least one instance.
    case percent(Int)

    /// The number of instances per batch in a fleet of `instances`.
    public func instances(ofFleet instances: Int) -> Int {
        switch self {
        case .count(let count): return max(1, count)
        case .percent(let percent): return max(1, (instances * percent + 99) / 100)
        }
    }
}

/// `[channel]`: the Socket.IO listener.
public struct ChannelSettings: Sendable, Equatable {
    /// `listen`: host and port.
    public var listen = ListenAddress(host: "127.0.0.1", port: 8080)
    /// `ping_interval`: Engine.IO heartbeat interval.
    public var pingInterval: Duration = .seconds(25)
    /// `ping_timeout`: Engine.IO heartbeat timeout.
    public var pingTimeout: Duration = .seconds(20)
    /// `max_payload`: the largest HTTP body or WebSocket frame, in bytes.
    public var maxPayload = 1_000_000
    /// `allow_unmanaged`: admit clients started by hand, from loopback peers only.
    public var allowUnmanaged = false
    /// `max_unauthenticated`: the most sessions that have not authenticated yet, from all peers; at the cap a new
    /// handshake sheds the oldest one.
    public var maxUnauthenticated = 1_000
    /// `max_unauthenticated_per_peer`: the same, per peer IP address (at most `max_unauthenticated`).
    public var maxUnauthenticatedPerPeer = 100
    /// The most sessions the channel holds at once (not a key); `max_unauthenticated` and
    /// `max_unauthenticated_per_peer` are at most this.
    public var maxSessions = 10_000
    /// `public_url`: the URL the swarm launcher's containers dial (`http://HOST:PORT`); empty: `listen`'s address.
    /// Across nodes, the manager's address that the containers reach. A local process always gets `listen`'s.
    public var publicURL = ""
}

/// `[admin]`: the admin API listener.
public struct AdminSettings: Sendable, Equatable {
    /// `listen`: host and port; a loopback address unless ``allowRemote``.
    public var listen = ListenAddress(host: "127.0.0.1", port: 8081)
    /// `allow_remote` (our addition): accept a `listen` address that is not loopback; the daemon logs a warning.
    public var allowRemote = false
}

/// `[webhook]`: GitHub push deliveries.
public struct WebhookSettings: Sendable, Equatable {
    /// `github_secret_file`: the file holding the webhook secret; empty turns the webhook off.
    public var githubSecretFile = ""
}

/// `[notify]`: where deployment news goes.
public struct NotifySettings: Sendable, Equatable {
    /// `discord_webhook`: a Discord webhook URL; empty for none.
    public var discordWebhook = ""
    /// `webhook`: a URL that receives a JSON POST per notification; empty for none.
    public var webhook = ""
}

/// `[state]`: the state folder.
public struct StateSettings: Sendable, Equatable {
    /// `dir`: the folder holding `repo.git`, `releases/`, `logs/`, `state.sqlite`, `admin.token`.
    public var directory = "/var/lib/urban-robot"
    /// `keep_releases`: releases kept on disk besides the protected ones.
    public var keepReleases = 5
    /// `good_tag_prefix`: the prefix of good tags.
    public var goodTagPrefix = "good/"
    /// `push_tags`: push good tags to the source remote.
    public var pushTags = false
}

/// A host and port to listen on.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host name or address.
    public var host: String
    /// The TCP port; 0 asks the system for a free one.
    public var port: Int

    /// An address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with IPv6 hosts in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

extension Configuration {
    /// Replaces every relative file path of the configuration with `absolute(path)`: `state.dir`,
    /// `bot.token_file`, `source.token_file`, `source.ssh_key_file`, `webhook.github_secret_file`, and
    /// the `[swarm]` TLS files, and `source.url` when it is a local path (not `file://` nor a URL nor `host:path`).
    mutating func resolveRelativePaths(_ absolute: (String) -> String) {
        state.directory = absolute(state.directory)
        if case .file(let path) = bot.token { bot.token = .file(absolute(path)) }
        source.tokenFile = absolute(source.tokenFile)
        source.sshKeyFile = absolute(source.sshKeyFile)
        webhook.githubSecretFile = absolute(webhook.githubSecretFile)
        swarm.tls.caFile = absolute(swarm.tls.caFile)
        swarm.tls.certificateFile = absolute(swarm.tls.certificateFile)
        swarm.tls.keyFile = absolute(swarm.tls.keyFile)
        if !source.url.contains(":") { source.url = absolute(source.url) }
    }
}
