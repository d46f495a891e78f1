import AdminAPI
import Foundation
import Hummingbird

/// The JSON answers of the admin API, encoded with ``AnswerEncoder`` (the bytes of ``StatusSnapshot/encoder``,
/// faster; errors are thrown as ``AdminError``).
enum AdminResponse {
    /// `status` with `value` as JSON.
    /// - Throws: ``AdminError`` (500) when the value cannot be encoded.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        do {
            let text = try AnswerEncoder().encode(value)
            return Response(status: status, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: text)))
        } catch {
            throw AdminError(.internalServerError, "cannot encode the answer: \(error)")
        }
    }
}

/// `{}`: the answer of the operator commands.
struct EmptyAnswer: Encodable {}
