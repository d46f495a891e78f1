public import Foundation

/// Runs a command from test code without occupying a thread of Swift's cooperative pool.
///
/// Why this exists: Swift Testing runs suites in parallel in one process, and the cooperative
/// pool has one thread per core (two on a CI box). `Process.waitUntilExit()`,
/// `readDataToEndOfFile()`, `usleep` and other blocking calls hold a pool thread for as long as
/// they wait; two of them at once starve every in-process server under test (Socket.IO server,
/// daemon) that needs the pool to answer, and its clients time out. ``run(_:in:environment:input:)``
/// suspends instead: the child writes its standard output and error to temporary files (no pipe
/// to drain, and a grandchild that keeps them open cannot hang the caller), and its exit resumes
/// the caller from Foundation's `terminationHandler`, which runs off the pool.
///
/// ```swift
/// let head = try await Command.output(["git", "rev-parse", "HEAD"], in: repository)
/// let result = try await Command.run(["python3", "probe.py", url])
/// #expect(result.status == 0, "\(result.standardError)")
/// ```
public enum Command {
    /// Runs `arguments` (the program is looked up on `PATH` by `/usr/bin/env`) to its exit.
    ///
    /// - Parameters:
    ///   - arguments: the program and its arguments.
    ///   - directory: the working directory; nil for the test process's own.
    ///   - environment: the child's whole environment; nil to inherit the test process's.
    ///   - input: bytes for its standard input; nil for `/dev/null`.
    /// - Returns: its exit status and everything it wrote.
    /// - Throws: when the temporary files cannot be made or the program cannot be started
    ///   (a non-zero exit is not an error here: see ``output(_:in:environment:input:)``).
    public static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil, input: Data? = nil
    ) async throws -> CommandResult {
        let files = try CapturedFiles(input: input)
        defer { files.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        process.standardInput = files.input
        process.standardOutput = files.output
        process.standardError = files.errors
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return CommandResult(status: status, standardOutput: files.readOutput(), standardError: files.readErrors())
    }

    /// Runs `arguments` like ``run(_:in:environment:input:)`` and returns its standard output
    /// without surrounding whitespace.
    ///
    /// - Throws: ``CommandFailure`` (with its status and standard error) when it exits with a
    ///   status other than 0; or what ``run(_:in:environment:input:)`` throws.
    @discardableResult
    public static func output(
        _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil, input: Data? = nil
    ) async throws -> String {
        let result = try await run(arguments, in: directory, environment: environment, input: input)
        guard result.status == 0 else {
            throw CommandFailure(arguments: arguments, directory: directory, result: result)
        }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
