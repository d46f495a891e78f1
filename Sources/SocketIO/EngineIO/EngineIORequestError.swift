public import Hummingbird

/// An Engine.IO request refused with the reference server's JSON error body `{"code":N,"message":...}`.
public struct EngineIORequestError: Error, Sendable, Hashable, HTTPResponseError {
    /// The Engine.IO error code.
    public struct Code: Sendable, Hashable {
        /// The numeric code in the JSON body
        public let number: Int
        /// The message in the JSON body
        public let message: String
        /// The HTTP status
        public let status: HTTPResponse.Status

        /// 0: the `transport` query parameter is missing or unknown
        public static let unknownTransport = Code(number: 0, message: "Transport unknown", status: .badRequest)
        /// 1: the `sid` names no open session
        public static let unknownSessionID = Code(number: 1, message: "Session ID unknown", status: .badRequest)
        /// 2: a handshake that is not a GET
        public static let badHandshakeMethod = Code(number: 2, message: "Bad handshake method", status: .badRequest)
        /// 3: a request that does not fit the session (wrong transport, overlapping requests, bad body)
        public static let badRequest = Code(number: 3, message: "Bad request", status: .badRequest)
        /// 4: refused (the session limit is reached)
        public static let forbidden = Code(number: 4, message: "Forbidden", status: .forbidden)
        /// 5: `EIO` is not 4
        public static let unsupportedProtocolVersion = Code(number: 5, message: "Unsupported protocol version", status: .badRequest)
    }

    /// The error code
    public var code: Code
    /// What was wrong with the request, for logs
    public var reason: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The error code
    ///   - reason: What was wrong with the request, for logs
    public init(_ code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The HTTP status
    public var status: HTTPResponse.Status { code.status }

    /// The JSON body `{"code":N,"message":"..."}`.
    public var body: String {
        "{\"code\":\(code.number),\"message\":\"\(code.message)\"}"
    }

    /// The response: the status and the JSON body.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }
}
