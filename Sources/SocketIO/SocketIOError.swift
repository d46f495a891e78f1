/// A failure of a server-side Socket.IO operation (emit, emit with ack).
public struct SocketIOError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The name of the code
        public let description: String
        private init(_ description: String) { self.description = description }

        /// The socket left its namespace or its session ended.
        public static let disconnected = Code("disconnected")
        /// The client did not acknowledge within the timeout.
        public static let ackTimeout = Code("ackTimeout")
        /// The waiting task was cancelled.
        public static let cancelled = Code("cancelled")
    }

    /// The kind of failure
    public var code: Code
    /// What failed, with what input
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure
    ///   - message: What failed, with what input
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`
    public var description: String { "\(code): \(message)" }
}
