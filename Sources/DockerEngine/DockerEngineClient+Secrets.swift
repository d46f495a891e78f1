public import Foundation
import NIOHTTP1

extension DockerEngineClient {
    /// Creates a Swarm secret and returns its id.
    public func createSecret(_ spec: SecretSpec) async throws(DockerEngineError) -> String {
        try await decode(CreatedObject.self, .POST, "/secrets/create", json: Self.json(spec)).id
    }

    /// Removes a secret; one that is already gone is not an error.
    public func removeSecret(_ id: String) async throws(DockerEngineError) {
        _ = try await send(.DELETE, "/secrets/\(id)", accepting: [404])
    }
}

/// A Swarm secret to create: its name, its data (sent base64-encoded) and labels.
public struct SecretSpec: Encodable, Sendable {
    /// The secret's name (unique in the swarm).
    public var name: String
    /// The secret's bytes.
    public var data: Data
    /// Labels, e.g. the fleet's and the client's.
    public var labels: [String: String]

    /// Creates a spec.
    public init(name: String, data: Data, labels: [String: String] = [:]) {
        self.name = name
        self.data = data
        self.labels = labels
    }

    enum CodingKeys: String, CodingKey { case name = "Name", data = "Data", labels = "Labels" }

    /// Encodes `Data` as base64, as the engine expects.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(data.base64EncodedString(), forKey: .data)
        try container.encode(labels, forKey: .labels)
    }
}

/// The answer of a create call: `{"ID": ...}`.
struct CreatedObject: Decodable {
    var id: String
    enum CodingKeys: String, CodingKey { case id = "ID" }
}

extension DockerEngineClient {
    /// Whether the secret `id` (or name) exists.
    public func secretExists(_ id: String) async throws(DockerEngineError) -> Bool {
        try await send(.GET, "/secrets/\(id)", accepting: [404]).status != 404
    }
}
