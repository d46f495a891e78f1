/// What the ``SwarmLauncher`` makes its services of: the image repository, placement, limits, labels, and what the
/// containers are told (the channel's URL).
public struct SwarmLauncherSettings: Sendable, Equatable {
    /// The fleet's name, the `urban-robot.fleet` label of its services (a restarted daemon adopts only its own).
    public var fleet: String
    /// The image repository, with the registry's `HOST:PORT/` in front when there is one; a revision runs
    /// `repository:<full sha>`.
    public var repository: String
    /// The registry the images are pushed to (`HOST:PORT`, also in front of ``repository``); nil: none.
    public var registry: String?
    /// The image a generated Dockerfile starts from.
    public var baseImage = "urban-robot-base:bookworm"
    /// The entry point of a generated Dockerfile (`bot.command`).
    public var entryPoint = ["python3", "bot.py"]
    /// Placement constraints, e.g. `node.role == worker`.
    public var constraints: [String] = []
    /// The node attribute the services spread over (`node.id`); empty: none.
    public var spread = "node.id"
    /// CPUs per client; 0: no limit.
    public var limitCPUs = 0.0
    /// Bytes of memory per client; 0: no limit.
    public var limitMemory = 0
    /// Extra labels of every service.
    public var labels: [String: String] = [:]
    /// `URBAN_ROBOT_URL` in the containers (the channel as the containers reach it); nil: the request's.
    public var channelURL: String?
    /// The daemon's own environment: the variables a local child would inherit from it (`PATH`, `HOME`, ...) are
    /// left out of a container's, which has its image's. A `bot.env` entry that overrides one is kept.
    public var daemonEnvironment: [String: String] = [:]
    /// How long the engine waits after SIGTERM before SIGKILL when a service is removed (`rollout.kill_grace`).
    public var killGrace: Duration = .seconds(5)
    /// How long a service may take to start its container (pulling its image on a node included).
    public var startTimeout: Duration = .seconds(120)

    /// Settings for `fleet`'s images in `repository`.
    public init(fleet: String, repository: String) {
        self.fleet = fleet
        self.repository = repository
    }

    /// The image of `revision`.
    public func image(of revision: String) -> String {
        "\(repository):\(revision)"
    }
}
