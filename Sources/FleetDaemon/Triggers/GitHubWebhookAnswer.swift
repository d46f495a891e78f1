import Hummingbird

/// How `POST /hooks/github` answers one delivery.
public enum GitHubWebhookAnswer: Equatable, Sendable {
    /// `200 {"deployment": N}`.
    case deployment(Int)
    /// `200 {"ignored": reason}`: another branch, no marker, a replayed delivery, another event.
    case ignored(String)
    /// `200 {"pong": true}`: a `ping` event.
    case pong
    /// `401`: a bad or missing `X-Hub-Signature-256`.
    case unauthorized
    /// `409`: the daemon refused the deployment (a bad revision, halted).
    case refused(String)
    /// `400`: the delivery is not what GitHub sends.
    case invalid(String)
    /// `500`: the daemon failed.
    case failed(String)

    /// The answer's response.
    /// - Throws: ``AdminError`` for the answers that are errors.
    func response() throws -> Response {
        switch self {
        case .deployment(let id): try AdminResponse.json(["deployment": id])
        case .ignored(let reason): try AdminResponse.json(["ignored": reason])
        case .pong: try AdminResponse.json(["pong": true])
        case .unauthorized: throw AdminError(.unauthorized, "bad or missing X-Hub-Signature-256")
        case .refused(let reason): throw AdminError(.conflict, reason)
        case .invalid(let reason): throw AdminError(.badRequest, reason)
        case .failed(let reason): throw AdminError(.internalServerError, reason)
        }
    }
}
