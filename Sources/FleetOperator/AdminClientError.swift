/// The admin API did not do what the CLI asked.
public struct AdminClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why.
    public struct Code: Hashable, Sendable {
        private let name: String
        /// The daemon does not run (or not with this configuration).
        public static let notRunning = Code(name: "not running")
        /// `401`: no or a wrong token.
        public static let unauthorized = Code(name: "unauthorized")
        /// `404`: no such deployment, instance or client.
        public static let notFound = Code(name: "not found")
        /// `409`: refused now.
        public static let refused = Code(name: "refused")
        /// `400`: a malformed request.
        public static let invalid = Code(name: "invalid")
        /// Anything else: a server error or an answer that is not what the contract says.
        public static let failed = Code(name: "failed")
    }

    /// Why.
    public var code: Code
    /// What failed and what to do.
    public var message: String
    /// The HTTP status, when the daemon answered.
    public var status: Int?

    /// An error from its parts.
    public init(code: Code, message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// The message.
    public var description: String { message }
}
