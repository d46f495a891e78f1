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
