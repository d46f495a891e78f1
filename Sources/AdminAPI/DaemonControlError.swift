/// A request the daemon cannot carry out.
public struct DaemonControlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why.
    public struct Code: Hashable, Sendable {
        private let name: String
        /// The engine refused it now (HTTP 409).
        public static let refused = Code(name: "refused")
        /// No such deployment, instance or client (HTTP 404).
        public static let notFound = Code(name: "not found")
        /// The request is malformed, or names a revision that does not exist (HTTP 400).
        public static let invalid = Code(name: "invalid")
        /// What was asked already holds (the revision serves every instance): nothing was done (HTTP 200).
        public static let nothingToDo = Code(name: "nothing to do")
    }

    /// Why.
    public var code: Code
    /// What failed, with what input, and what to do.
    public var message: String

    /// An error from its parts.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
