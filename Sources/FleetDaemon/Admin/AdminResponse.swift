import AdminAPI
import Foundation
import Hummingbird

/// The JSON answers of the admin API, the bytes of ``StatusSnapshot/encoder``, faster: written directly by a value
/// that can (``AnswerWritable``: the status), else encoded with ``AnswerEncoder``; errors are thrown as
/// ``AdminError``.
enum AdminResponse {
    /// `status` with `value` as JSON.
    /// - Throws: ``AdminError`` (500) when the value cannot be encoded.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        do {
            let text = try (value as? any AnswerWritable)?.answerText() ?? AnswerEncoder().encode(value)
            return Response(status: status, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: text)))
        } catch {
            throw AdminError(.internalServerError, "cannot encode the answer: \(error)")
        }
    }
}

/// `{}`: the answer of the operator commands.
struct EmptyAnswer: Encodable {}
