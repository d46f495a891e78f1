/// A task of a service, as `GET /tasks` returns it: where it runs and how it stands.
public struct SwarmTask: Decodable, Sendable, Equatable {
    /// The task's id.
    public var id: String
    /// The service's id.
    public var serviceID: String
    /// The node it was scheduled on (absent before scheduling).
    public var nodeID: String?
    /// Its status.
    public var status: Status
    /// `running` or `shutdown`: what Swarm wants of it.
    public var desiredState: String

    enum CodingKeys: String, CodingKey {
        case id = "ID", serviceID = "ServiceID", nodeID = "NodeID", status = "Status", desiredState = "DesiredState"
    }

    /// The task's state, with its container once it has one.
    public struct Status: Decodable, Sendable, Equatable {
        /// e.g. `preparing`, `running`, `complete`, `failed`, `rejected`, `shutdown`.
        public var state: String
        /// The engine's message, e.g. `started`.
        public var message: String?
        /// Why it failed, e.g. `task: non-zero exit (3)`.
        public var err: String?
        /// The container, once created.
        public var containerStatus: ContainerStatus?

        enum CodingKeys: String, CodingKey { case state = "State", message = "Message", err = "Err", containerStatus = "ContainerStatus" }

        /// True once the task will not run again: `complete`, `failed`, `rejected`, `shutdown`, `orphaned`, `remove`.
        public var isFinal: Bool {
            ["complete", "failed", "rejected", "shutdown", "orphaned", "remove"].contains(state)
        }
    }

    /// The task's container.
    public struct ContainerStatus: Decodable, Sendable, Equatable {
        /// The container's id.
        public var containerID: String?
        /// Its pid on its node (0 once it has exited).
        public var pid: Int32?
        /// Its exit code, once it has exited.
        public var exitCode: Int32?

        enum CodingKeys: String, CodingKey { case containerID = "ContainerID", pid = "PID", exitCode = "ExitCode" }
    }
}
