/// Where a client launched by an orchestrator runs: its service, task, container and node (for status and metrics,
/// and to find it again).
public struct ClientLocation: Codable, Hashable, Sendable {
    /// The service's name.
    public var service: String
    /// The service's id.
    public var serviceID: String
    /// The task's id.
    public var taskID: String
    /// The container's id.
    public var containerID: String
    /// The node's id.
    public var nodeID: String
    /// The node's host name (empty when unknown).
    public var node: String

    /// Creates a location.
    public init(service: String, serviceID: String, taskID: String, containerID: String, nodeID: String, node: String) {
        self.service = service
        self.serviceID = serviceID
        self.taskID = taskID
        self.containerID = containerID
        self.nodeID = nodeID
        self.node = node
    }
}
