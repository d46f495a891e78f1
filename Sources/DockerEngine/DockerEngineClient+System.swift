import NIOHTTP1

extension DockerEngineClient {
    /// True when the engine answers `GET /_ping` with `OK`.
    public func ping() async throws(DockerEngineError) -> Bool {
        let (_, body) = try await send(.GET, "/_ping")
        return String(decoding: body, as: UTF8.self) == "OK"
    }

    /// The engine's version and API version.
    public func version() async throws(DockerEngineError) -> EngineVersion {
        try await decode(EngineVersion.self, .GET, "/version")
    }

    /// The id of the engine's own Swarm node (`GET /info`), empty when the engine is not in a swarm. Its events
    /// report the containers of this node only.
    public func localNodeID() async throws(DockerEngineError) -> String {
        try await decode(EngineInfo.self, .GET, "/info").swarm.nodeID
    }
}

/// The answer of `GET /info` (the swarm's node id only).
struct EngineInfo: Decodable {
    var swarm: Swarm
    enum CodingKeys: String, CodingKey { case swarm = "Swarm" }

    struct Swarm: Decodable {
        var nodeID: String
        enum CodingKeys: String, CodingKey { case nodeID = "NodeID" }
    }
}

/// The answer of `GET /version` (the fields the launcher reads).
public struct EngineVersion: Decodable, Sendable, Equatable {
    /// e.g. `20.10.24+dfsg1`.
    public var version: String
    /// e.g. `1.41`.
    public var apiVersion: String
    /// e.g. `1.12`.
    public var minAPIVersion: String
    /// e.g. `linux`.
    public var os: String

    enum CodingKeys: String, CodingKey {
        case version = "Version", apiVersion = "ApiVersion", minAPIVersion = "MinAPIVersion", os = "Os"
    }
}

extension DockerEngineClient {
    /// The host name of the Swarm node `id`; nil when there is no such node.
    public func nodeHostname(_ id: String) async throws(DockerEngineError) -> String? {
        let (status, data) = try await send(.GET, "/nodes/\(id)", accepting: [404])
        guard status != 404 else { return nil }
        return try Self.decodeAnswer(NodeInfo.self, data, call: "GET /nodes/\(id)").description.hostname
    }
}

/// A node as `GET /nodes/{id}` returns it (the host name only).
struct NodeInfo: Decodable {
    var description: Description
    enum CodingKeys: String, CodingKey { case description = "Description" }

    struct Description: Decodable {
        var hostname: String
        enum CodingKeys: String, CodingKey { case hostname = "Hostname" }
    }
}
