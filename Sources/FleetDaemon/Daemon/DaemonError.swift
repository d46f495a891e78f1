/// The daemon could not start.
public struct DaemonError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// The state folder could not be created or opened.
        public static let stateFolder = Code(name: "state folder")
        /// Another daemon holds the lock on the state folder.
        public static let stateLocked = Code(name: "state locked")
        /// The state folder ran a fleet but its database is missing or empty.
        public static let stateMissing = Code(name: "state missing")
        /// The Discord token could not be read.
        public static let token = Code(name: "token")
        /// `[channel] listen` could not be served.
        public static let channel = Code(name: "channel")
        /// The name.
        public var description: String { name }
    }

    /// What failed.
    public var code: Code
    /// What failed, with what input, and what to do. Never holds a secret.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    /// An error from its parts.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message, and the cause when there is one.
    public var description: String {
        cause.map { "\(message) (\($0))" } ?? message
    }
}
