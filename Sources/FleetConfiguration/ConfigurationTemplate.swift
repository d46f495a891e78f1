import Foundation

/// The commented example configuration that `urban-robot init` writes and
/// `Deploy/urban-robot.example.toml` holds: every key, with its default.
public enum ConfigurationTemplate {
    /// The example, for a bot at `sourceURL` with its state in `stateDirectory`.
    public static func render(sourceURL: String = "/srv/git/mybot.git",
                              stateDirectory: String = "/var/lib/urban-robot") -> String {
        text.replacingOccurrences(of: "@SOURCE_URL@", with: sourceURL)
            .replacingOccurrences(of: "@STATE_DIR@", with: stateDirectory)
    }

    private static let text = #"""
        # urban-robot configuration: one file per bot. Every key below shows its default;
        # delete what you do not change. Durations are strings: "250ms", "30s", "5m", "1h".

        [source]
        url = "@SOURCE_URL@"   # path, file://, https:// or ssh:// address of the bot's repository
        branch = "main"               # the branch that push, webhook and poll deploy
        poll = "0s"                   # fetch and deploy new tips this often; "0s" = off
        marker = ""                   # e.g. "[DEPLOY]": push/webhook deploy only commits whose message starts with it
        token_file = ""               # a file holding an HTTPS access token for the source
        ssh_key_file = ""             # a private key for an ssh:// source (empty: the SSH agent)

        [bot]
        command = ["python3", "bot.py"]   # run in the release directory
        build = []                        # run once per release, e.g. ["pip", "install", "-r", "requirements.txt", "--target", ".deps"]
        instances = 1                     # processes = Discord shards
        token_env = "DISCORD_TOKEN"       # the daemon's variable holding the Discord token (or token_file = "/etc/urban-robot/token")
        env = {}                          # extra environment for the bot, e.g. { LOG_LEVEL = "info" }
        stop_with_daemon = false          # true: stopping serve stops the bots, and they die with the daemon

        [health]
        vital_cogs = []                   # cogs that must be healthy when a report is not OK
        min_percent = 100                 # least percent a report that is not OK may have
        identify_timeout = "30s"          # launch -> identify
        ready_timeout = "120s"            # hello -> ready
        check_timeout = "30s"             # health_check command -> report
        health_interval = "0s"            # re-check during bake and watch; "0s" = off

        [rollout]
        canary = 1                        # instances gated first
        bake = "5m"                       # how long the canary is watched
        batch = "25%"                     # the rest in batches: a count or a percentage of the fleet
        batch_bake = "0s"                 # how long each batch is watched
        watch = "10m"                     # the whole fleet is watched this long after the last batch
        keep_standby = true               # keep the old process in coma for an instant rollback
        pause_after_canary = false        # true: hold after the canary's bake until `urban-robot promote`
        coma_timeout = "5s"               # wait for a coma confirmation
        stop_grace = "10s"                # wait for exit after the shutdown command, then SIGTERM
        kill_grace = "5s"                 # wait after SIGTERM, then SIGKILL
        reconnect_grace = "10s"           # a disconnected client may reconnect within this
        crash_loop = 3                    # this many exits within crash_window roll back
        crash_window = "5m"
        max_rollback_depth = 3            # good tags tried before halting
        max_auto_rollbacks = 3            # automatic rollbacks per hour, then halt
        max_concurrency = 1               # launches per identify_spacing (Discord's IDENTIFY limit)
        identify_spacing = "5.5s"

        [channel]
        listen = "127.0.0.1:8080"         # the Socket.IO endpoint the bots connect to
        ping_interval = "25s"
        ping_timeout = "20s"
        max_payload = 1000000
        allow_unmanaged = false           # admit bots started by hand (loopback peers only)
        max_unauthenticated = 1000        # sessions not authenticated yet, from all peers (the oldest is shed)
        max_unauthenticated_per_peer = 100  # the same, per peer address
        public_url = ""                   # the URL the swarm launcher's containers dial; empty = listen's address (across nodes: the manager's)

        [admin]
        listen = "127.0.0.1:8081"         # the CLI's API; bearer token in <state>/admin.token
        allow_remote = false              # true: accept a listen address that is not loopback (logs a warning)

        [webhook]
        github_secret_file = ""           # a file holding the GitHub webhook secret; empty = off

        [notify]
        discord_webhook = ""              # a Discord webhook URL
        webhook = ""                      # a URL that receives a JSON POST per event

        [state]
        dir = "@STATE_DIR@"
        keep_releases = 5                 # releases kept besides the active, standby and last good
        good_tag_prefix = "good/"
        push_tags = false                 # push good tags to the source remote

        [launcher]
        kind = "local"                    # "local": processes on this machine; "swarm": Docker Swarm services, see [swarm]

        [swarm]
        endpoint = "/var/run/docker.sock" # the Docker engine's socket, or "tcp://HOST:2376" with the three TLS files
        tls_ca_file = ""
        tls_cert_file = ""
        tls_key_file = ""
        repository = "urban-robot/bot"    # one image per revision: REPOSITORY:<full sha>
        registry = ""                     # HOST:PORT to push the images to (needed with more than one node)
        base_image = "urban-robot-base:bookworm"  # FROM of the generated Dockerfile (a repository without one)
        constraints = []                  # placement, e.g. ["node.role == worker"]
        spread = "node.id"                # spread the instances over this node attribute; "" = none
        limit_cpus = 0                    # CPUs per client, e.g. 0.5; 0 = no limit
        limit_memory = "0"                # memory per client, e.g. "512M"; "0" = no limit
        labels = {}                       # extra labels of every service

        """#
}
