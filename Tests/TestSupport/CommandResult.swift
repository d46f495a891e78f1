/// What a command run by ``Command`` ended with.
public struct CommandResult: Sendable, Equatable {
    /// Its exit status (the `terminationStatus` of Foundation's `Process`: the exit code, or the
    /// signal's number when a signal ended it).
    public let status: Int32
    /// Everything it wrote to its standard output, decoded as UTF-8.
    public let standardOutput: String
    /// Everything it wrote to its standard error, decoded as UTF-8.
    public let standardError: String

    /// A result with these parts.
    public init(status: Int32, standardOutput: String, standardError: String) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// The standard output's non-empty lines, without their newlines.
    public var outputLines: [String] {
        standardOutput.split(separator: "\n").map(String.init)
    }
}

/// A command run by ``Command/output(_:in:environment:input:)`` exited with a status other than 0.
public struct CommandFailure: Error, CustomStringConvertible {
    /// The command.
    public let arguments: [String]
    /// Its working directory, when one was given.
    public let directory: String?
    /// What it ended with.
    public let result: CommandResult

    /// Says which command failed, where, with which status, and what it wrote to standard error.
    public var description: String {
        "`\(arguments.joined(separator: " "))`" + (directory.map { " in \($0)" } ?? "")
            + " exited with status \(result.status); check the command and its folder. Its standard error:\n"
            + result.standardError
    }
}
