import Deployer
import Foundation
import Hummingbird

/// The JSON answers of the admin API, encoded with ``StatusSnapshot/encoder`` (errors are thrown as
/// ``AdminError``).
enum AdminResponse {
    /// `status` with `value` as JSON.
    /// - Throws: ``AdminError`` (500) when the value cannot be encoded.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        do {
            let data = try StatusSnapshot.encoder.encode(value)
            return Response(status: status, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            throw AdminError(.internalServerError, "cannot encode the answer: \(error)")
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
