import Deployer
import Foundation
import Hummingbird

/// The JSON answers of the admin API: bodies encoded with ``StatusSnapshot/encoder`` and errors as
/// `{"error": "<what failed, with what input, and what to do>"}`.
enum AdminResponse {
    /// `status` with `value` as JSON.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        do {
            let data = try StatusSnapshot.encoder.encode(value)
            return Response(status: status, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            return Self.error(.internalServerError, "cannot encode the answer: \(error)")
        }
    }

    /// `status` with `{"error": message}`.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let data = (try? JSONEncoder().encode(["error": message])) ?? Data(#"{"error":"unknown"}"#.utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The answer to an error a ``DaemonControl`` threw: 409, 404 or 400 for its codes, 503 while the state store
    /// cannot be written (nothing was changed; asking again later works), 500 otherwise.
    static func error(for error: any Error) -> Response {
        if let unavailable = error as? StateStoreUnavailable {
            return Self.error(.serviceUnavailable, unavailable.description)
        }
        guard let error = error as? DaemonControlError else {
            return Self.error(.internalServerError, "the daemon failed: \(error)")
        }
        switch error.code {
        case .refused: return Self.error(.conflict, error.message)
        case .notFound: return Self.error(.notFound, error.message)
        default: return Self.error(.badRequest, error.message)
        }
    }
}

/// `{}`: the answer of the operator commands.
struct EmptyAnswer: Encodable {}

/// `{"id": N}`: the answer to a deployment or rollback request (202); `{"id": null, "message": "..."}` (200) when
/// there was nothing to do (the revision already serves every instance).
struct DeploymentIDAnswer: Codable {
    /// The deployment's id: a new one, or the one already deploying or waiting for the same revision.
    var id: Int?
    /// Why nothing was done, when `id` is null.
    var message: String?

    /// Encodes both keys, `null` included.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(message, forKey: .message)
    }
}
