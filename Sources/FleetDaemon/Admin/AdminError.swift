import AdminAPI
import Deployer
import Foundation
import Hummingbird

/// An error answer of the admin API, thrown by its routes and middleware: `status` with
/// `{"error": "<what failed, with what input, and what to do>"}` (Hummingbird makes the response).
struct AdminError: HTTPResponseError {
    /// The answer's status.
    let status: HTTPResponse.Status
    /// What failed, with what input, and what to do.
    let message: String

    /// An error answered with `status` and `message`.
    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The answer to an error a ``DaemonControl`` threw: 409, 404 or 400 for its codes, 503 while the state store
    /// cannot be written (nothing was changed; asking again later works), 500 otherwise; an ``AdminError`` as it is.
    init(answering error: any Error) {
        if let answer = error as? AdminError {
            self = answer
        } else if let unavailable = error as? StateStoreUnavailable {
            self.init(.serviceUnavailable, unavailable.description)
        } else if let error = error as? DaemonControlError {
            switch error.code {
            case .refused: self.init(.conflict, error.message)
            case .notFound: self.init(.notFound, error.message)
            default: self.init(.badRequest, error.message)
            }
        } else {
            self.init(.internalServerError, "the daemon failed: \(error)")
        }
    }

    /// `status` with `{"error": message}`.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = (try? JSONEncoder().encode(["error": message])) ?? Data(#"{"error":"unknown"}"#.utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
