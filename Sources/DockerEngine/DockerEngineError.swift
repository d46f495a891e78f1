/// A failed call to the Docker Engine API: which call, the HTTP status when there was one, and the engine's own
/// message (`{"message": ...}`), or the transport error.
public struct DockerEngineError: Error, CustomStringConvertible, Sendable {
    /// The call, e.g. `POST /services/create`.
    public var call: String
    /// The HTTP status the engine answered with; nil when no answer came (socket missing, connection refused).
    public var status: Int?
    /// What went wrong, in the engine's words when it gave any.
    public var message: String

    /// Creates an error.
    public init(call: String, status: Int?, message: String) {
        self.call = call
        self.status = status
        self.message = message
    }

    /// True for a 404: the object (image, service, secret) does not exist.
    public var isNotFound: Bool { status == 404 }

    /// e.g. `Docker engine: DELETE /secrets/x answered 404: secret x not found`.
    public var description: String {
        let status = self.status.map { "answered \($0)" } ?? "failed"
        return "Docker engine: \(call) \(status): \(message)"
    }
}
