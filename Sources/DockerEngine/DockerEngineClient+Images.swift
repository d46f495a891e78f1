import NIOHTTP1

extension DockerEngineClient {
    /// An image by name or id; nil when there is none.
    public func inspectImage(_ name: String) async throws(DockerEngineError) -> ImageInfo? {
        let (status, data) = try await send(.GET, "/images/\(name)/json", accepting: [404])
        guard status != 404 else { return nil }
        return try Self.decodeAnswer(ImageInfo.self, data, call: "GET /images/\(name)/json")
    }

    /// Gives the image `source` (a name or id) the name `repository:tag` too.
    public func tagImage(_ source: String, repository: String, tag: String) async throws(DockerEngineError) {
        let query = "repo=\(Self.percentEncoded(repository))&tag=\(Self.percentEncoded(tag))"
        _ = try await send(.POST, "/images/\(source)/tag?" + query)
    }

    /// The images that carry `label` (`key=value`).
    public func images(label: String) async throws(DockerEngineError) -> [ImageSummary] {
        try await decode([ImageSummary].self, .GET, "/images/json?" + Self.filterQuery(["label": [label]]))
    }

    /// Removes an image; one that is already gone is not an error. An image a container still uses is refused
    /// (409) unless `force`.
    public func removeImage(_ name: String, force: Bool = false) async throws(DockerEngineError) {
        _ = try await send(.DELETE, "/images/\(name)?force=\(force ? 1 : 0)", accepting: [404])
    }
}

/// An image as `GET /images/{name}/json` returns it (the fields the launcher reads).
public struct ImageInfo: Decodable, Sendable, Equatable {
    /// `sha256:...`.
    public var id: String
    /// `REPOSITORY:TAG` names.
    public var repoTags: [String]
    /// Its size in bytes.
    public var size: Int
    /// Labels of its config (the revision).
    public var labels: [String: String]

    enum CodingKeys: String, CodingKey { case id = "Id", repoTags = "RepoTags", size = "Size", config = "Config" }
    enum ConfigKeys: String, CodingKey { case labels = "Labels" }

    /// Decodes the answer; `Config.Labels` is null for an image without labels.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        repoTags = try container.decodeIfPresent([String].self, forKey: .repoTags) ?? []
        size = try container.decode(Int.self, forKey: .size)
        let config = try? container.nestedContainer(keyedBy: ConfigKeys.self, forKey: .config)
        labels = (try? config?.decodeIfPresent([String: String].self, forKey: .labels)) ?? [:]
    }
}

/// An image as `GET /images/json` lists it.
public struct ImageSummary: Decodable, Sendable, Equatable {
    /// `sha256:...`.
    public var id: String
    /// `REPOSITORY:TAG` names.
    public var repoTags: [String]
    /// Its labels.
    public var labels: [String: String]

    enum CodingKeys: String, CodingKey { case id = "Id", repoTags = "RepoTags", labels = "Labels" }

    /// Decodes a summary; `RepoTags` and `Labels` may be null.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        repoTags = try container.decodeIfPresent([String].self, forKey: .repoTags) ?? []
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}
