/// A failure of the state store, with what was being done and what to do about it.
public struct DeployerStoreError: Error, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// The database could not be opened or migrated.
        public static let open = Code(name: "open")
        /// A read or write failed.
        public static let query = Code(name: "query")
        /// A stored value could not be decoded.
        public static let corrupt = Code(name: "corrupt")
        /// The code's name.
        public var description: String { name }
    }

    /// What kind of failure.
    public var code: Code
    /// What failed, with what input, and what to do.
    public var message: String
    /// The underlying error.
    public var cause: (any Error)?

    /// `<code>: <message> (cause: ...)`.
    public var description: String {
        "\(code): \(message)" + (cause.map { " (cause: \($0))" } ?? "")
    }
}
