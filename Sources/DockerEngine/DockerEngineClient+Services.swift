import Foundation
import NIOHTTP1

extension DockerEngineClient {
    /// Creates a Swarm service and returns its id.
    public func createService(_ spec: ServiceSpec) async throws(DockerEngineError) -> String {
        try await decode(CreatedObject.self, .POST, "/services/create", json: Self.json(spec)).id
    }

    /// A service by id or name; nil when there is none.
    public func inspectService(_ idOrName: String) async throws(DockerEngineError) -> ServiceInfo? {
        let (status, data) = try await send(.GET, "/services/\(idOrName)", accepting: [404])
        guard status != 404 else { return nil }
        return try Self.decodeAnswer(ServiceInfo.self, data, call: "GET /services/\(idOrName)")
    }

    /// Removes a service (its task's container is stopped and removed); one that is already gone is not an error.
    public func removeService(_ idOrName: String) async throws(DockerEngineError) {
        _ = try await send(.DELETE, "/services/\(idOrName)", accepting: [404])
    }

    /// The services that carry `label` (`key=value`, or `key` for any value).
    public func services(label: String) async throws(DockerEngineError) -> [ServiceInfo] {
        try await decode([ServiceInfo].self, .GET, "/services?" + Self.filterQuery(["label": [label]]))
    }

    /// The tasks whose service carries `label`, e.g. `urban-robot.fleet=mybot`.
    public func tasks(label: String) async throws(DockerEngineError) -> [SwarmTask] {
        try await decode([SwarmTask].self, .GET, "/tasks?" + Self.filterQuery(["label": [label]]))
    }

    /// The tasks of the service named or numbered `service`.
    public func tasks(service: String) async throws(DockerEngineError) -> [SwarmTask] {
        try await decode([SwarmTask].self, .GET, "/tasks?" + Self.filterQuery(["service": [service]]))
    }

    /// The task `id`; nil when there is none (any more: the tasks of a removed service are deleted once their
    /// containers are gone).
    public func task(_ id: String) async throws(DockerEngineError) -> SwarmTask? {
        let (status, data) = try await send(.GET, "/tasks/\(id)", accepting: [404])
        guard status != 404 else { return nil }
        return try Self.decodeAnswer(SwarmTask.self, data, call: "GET /tasks/\(id)")
    }

    /// Decodes an answer already received.
    static func decodeAnswer<Answer: Decodable>(_ type: Answer.Type, _ data: Data, call: String) throws(DockerEngineError) -> Answer {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw DockerEngineError(call: call, status: 200, message: "unexpected answer: \(error)")
        }
    }
}
