/// A configuration file that cannot be used, with the key and line at fault.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// The file could not be read.
        public static let unreadable = Code(name: "unreadable")
        /// The file is not valid TOML.
        public static let syntax = Code(name: "syntax")
        /// A key that urban-robot does not know.
        public static let unknownKey = Code(name: "unknown key")
        /// A value of the wrong TOML type.
        public static let wrongType = Code(name: "wrong type")
        /// A value of the right type but outside what the key allows.
        public static let invalidValue = Code(name: "invalid value")
        /// A value that a key needs and the file does not give.
        public static let missingValue = Code(name: "missing value")
        /// Two keys that exclude each other.
        public static let conflict = Code(name: "conflict")

        /// The code's name.
        public var description: String { name }
    }

    /// What kind of problem it is.
    public var code: Code
    /// The file, when the configuration came from one.
    public var file: String?
    /// The dotted key at fault (`rollout.bake`), when there is one.
    public var key: String?
    /// The 1-based line of the key or of the syntax error, when known.
    public var line: Int?
    /// What is wrong and what to do about it.
    public var message: String

    /// An error about one key.
    public init(code: Code, file: String? = nil, key: String? = nil, line: Int? = nil, message: String) {
        self.code = code
        self.file = file
        self.key = key
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: KEY: MESSAGE`, leaving out the parts that are unknown.
    public var description: String {
        var location = file ?? "configuration"
        if let line { location += ":\(line)" }
        if let key { return "\(location): \(key): \(message)" }
        return "\(location): \(message)"
    }
}
