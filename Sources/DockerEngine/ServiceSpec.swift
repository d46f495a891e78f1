/// A Swarm service of one replica running one container (the fields the launcher sets), as
/// `POST /services/create` takes it and `GET /services/{id}` returns it under `Spec`.
public struct ServiceSpec: Codable, Sendable, Equatable {
    /// The service's name.
    public var name: String
    /// The service's labels (adoption finds clients by them).
    public var labels: [String: String]
    /// The task template.
    public var taskTemplate: TaskTemplate
    /// Replicated with one replica.
    public var mode: Mode

    /// Creates the spec of a one-replica service that is never restarted by Swarm and uses the host's network.
    public init(name: String, labels: [String: String], container: ContainerSpec) {
        self.name = name
        self.labels = labels
        taskTemplate = TaskTemplate(
            containerSpec: container, restartPolicy: RestartPolicy(condition: "none"), networks: [NetworkAttachment(target: "host")])
        mode = Mode(replicated: Mode.Replicated(replicas: 1))
    }

    enum CodingKeys: String, CodingKey { case name = "Name", labels = "Labels", taskTemplate = "TaskTemplate", mode = "Mode" }

    /// What runs, how it restarts, where it is attached.
    public struct TaskTemplate: Codable, Sendable, Equatable {
        /// The container.
        public var containerSpec: ContainerSpec
        /// `none`: the daemon owns restarts and backoff.
        public var restartPolicy: RestartPolicy?
        /// The networks (`host` when created here; the engine answers with the network's id).
        public var networks: [NetworkAttachment]?
        /// Where the task may run and how the tasks of many services spread.
        public var placement: Placement?
        /// What the task may use.
        public var resources: Resources?

        enum CodingKeys: String, CodingKey {
            case containerSpec = "ContainerSpec", restartPolicy = "RestartPolicy", networks = "Networks"
            case placement = "Placement", resources = "Resources"
        }
    }

    /// Placement constraints and preferences.
    public struct Placement: Codable, Sendable, Equatable {
        /// e.g. `node.role == worker`.
        public var constraints: [String]?
        /// Spread preferences, in order.
        public var preferences: [Preference]?

        /// Creates a placement: `constraints`, and the tasks spread over the values of `spread` (e.g. `node.id`)
        /// unless it is empty.
        public init(constraints: [String], spread: String) {
            self.constraints = constraints.isEmpty ? nil : constraints
            preferences = spread.isEmpty ? nil : [Preference(spread: Preference.Spread(spreadDescriptor: spread))]
        }

        enum CodingKeys: String, CodingKey { case constraints = "Constraints", preferences = "Preferences" }

        /// One placement preference.
        public struct Preference: Codable, Sendable, Equatable {
            /// Spread over the values of a node attribute.
            public var spread: Spread
            enum CodingKeys: String, CodingKey { case spread = "Spread" }

            /// The attribute the tasks spread over.
            public struct Spread: Codable, Sendable, Equatable {
                /// e.g. `node.id`, `node.labels.zone`.
                public var spreadDescriptor: String
                enum CodingKeys: String, CodingKey { case spreadDescriptor = "SpreadDescriptor" }
            }
        }
    }

    /// Resource limits of a task.
    public struct Resources: Codable, Sendable, Equatable {
        /// The limits.
        public var limits: Limits?

        /// Limits of `cpus` CPUs and `memoryBytes` bytes; nil when both are 0 (no limit).
        public init?(cpus: Double, memoryBytes: Int) {
            guard cpus > 0 || memoryBytes > 0 else { return nil }
            limits = Limits(
                nanoCPUs: cpus > 0 ? Int64((cpus * 1e9).rounded()) : nil, memoryBytes: memoryBytes > 0 ? Int64(memoryBytes) : nil)
        }

        enum CodingKeys: String, CodingKey { case limits = "Limits" }

        /// CPU in billionths of a CPU, memory in bytes.
        public struct Limits: Codable, Sendable, Equatable {
            /// e.g. 500000000 for half a CPU.
            public var nanoCPUs: Int64?
            /// Bytes.
            public var memoryBytes: Int64?
            enum CodingKeys: String, CodingKey { case nanoCPUs = "NanoCPUs", memoryBytes = "MemoryBytes" }
        }
    }

    /// When Swarm restarts a task.
    public struct RestartPolicy: Codable, Sendable, Equatable {
        /// `none`, `on-failure` or `any`.
        public var condition: String
        enum CodingKeys: String, CodingKey { case condition = "Condition" }
    }

    /// A network a task is attached to.
    public struct NetworkAttachment: Codable, Sendable, Equatable {
        /// The network's name or id.
        public var target: String
        enum CodingKeys: String, CodingKey { case target = "Target" }
    }

    /// The service mode.
    public struct Mode: Codable, Sendable, Equatable {
        /// Replicated mode.
        public var replicated: Replicated?
        enum CodingKeys: String, CodingKey { case replicated = "Replicated" }

        /// The replica count.
        public struct Replicated: Codable, Sendable, Equatable {
            /// 1 for a client.
            public var replicas: Int
            enum CodingKeys: String, CodingKey { case replicas = "Replicas" }
        }
    }
}

/// The container of a service's task.
public struct ContainerSpec: Codable, Sendable, Equatable {
    /// The image, `REPOSITORY:TAG`.
    public var image: String
    /// argv.
    public var command: [String]?
    /// `NAME=value` entries.
    public var env: [String]?
    /// The working directory in the container.
    public var dir: String?
    /// The container's labels.
    public var labels: [String: String]?
    /// Secrets mounted as files under `/run/secrets/`.
    public var secrets: [SecretReference]?
    /// Nanoseconds between SIGTERM and SIGKILL when the task is stopped (the service removed).
    public var stopGracePeriod: Int64?

    /// Creates a container spec.
    public init(
        image: String, command: [String]? = nil, env: [String]? = nil, dir: String? = nil,
        labels: [String: String]? = nil, secrets: [SecretReference]? = nil, stopGracePeriod: Duration? = nil
    ) {
        self.image = image
        self.command = command
        self.env = env
        self.dir = dir
        self.labels = labels
        self.secrets = secrets
        self.stopGracePeriod = stopGracePeriod.map { $0.components.seconds * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000 }
    }

    enum CodingKeys: String, CodingKey {
        case image = "Image", command = "Command", env = "Env", dir = "Dir", labels = "Labels", secrets = "Secrets"
        case stopGracePeriod = "StopGracePeriod"
    }
}

/// A secret mounted into a container as `/run/secrets/<fileName>`, readable by root only (mode 0400).
public struct SecretReference: Codable, Sendable, Equatable {
    /// The secret's id.
    public var secretID: String
    /// The secret's name.
    public var secretName: String
    /// The file.
    public var file: File

    /// Creates a reference to the secret `id` named `name`, mounted as `fileName`.
    public init(id: String, name: String, fileName: String) {
        secretID = id
        secretName = name
        file = File(name: fileName, uid: "0", gid: "0", mode: 0o400)
    }

    enum CodingKeys: String, CodingKey { case secretID = "SecretID", secretName = "SecretName", file = "File" }

    /// The file a secret is mounted as.
    public struct File: Codable, Sendable, Equatable {
        /// The file's name under `/run/secrets/`.
        public var name: String
        /// Owner.
        public var uid: String
        /// Group.
        public var gid: String
        /// Permissions.
        public var mode: UInt32
        enum CodingKeys: String, CodingKey { case name = "Name", uid = "UID", gid = "GID", mode = "Mode" }
    }
}
