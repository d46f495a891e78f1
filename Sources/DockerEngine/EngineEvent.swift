/// One event of `GET /events` (the fields the launcher reads): e.g. a container's `die` with its exit code and
/// labels.
public struct EngineEvent: Decodable, Sendable, Equatable {
    /// `container`, `service`, `image`, `secret`, ...
    public var type: String
    /// `create`, `start`, `die`, `destroy`, ...
    public var action: String
    /// The object.
    public var actor: Actor
    /// When, in nanoseconds since 1970.
    public var timeNano: Int64

    enum CodingKeys: String, CodingKey { case type = "Type", action = "Action", actor = "Actor", timeNano }

    /// The object an event is about.
    public struct Actor: Decodable, Sendable, Equatable {
        /// Its id (a container's full id).
        public var id: String
        /// Its attributes: labels, `name`, `image`, and for `die` the `exitCode`.
        public var attributes: [String: String]

        enum CodingKeys: String, CodingKey { case id = "ID", attributes = "Attributes" }
    }

    /// The exit code of a container's `die`.
    public var exitCode: Int32? { actor.attributes["exitCode"].flatMap { Int32($0) } }
}
