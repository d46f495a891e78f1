import Foundation

/// A long-running child of a test (a server, a bot) whose standard output lines are read on a
/// dedicated thread, never on Swift's cooperative pool (see ``Command`` for why that matters).
///
/// Start one with ``run(_:in:environment:body:)``: the child lives while `body` runs and is
/// killed (`SIGKILL`) and reaped when it returns or throws.
///
/// ```swift
/// let port = try await BackgroundProcess.run(["python3", "-c", server]) { server in
///     try #require(await server.firstLine(within: .seconds(30)))
///     ...
/// }
/// ```
public final class BackgroundProcess: Sendable {
    /// The child's process id.
    public let pid: Int32
    private let lines: AsyncStream<String>
    private let exited: AsyncStream<Int32>

    private init(pid: Int32, lines: AsyncStream<String>, exited: AsyncStream<Int32>) {
        self.pid = pid
        self.lines = lines
        self.exited = exited
    }

    /// Starts `arguments` (the program is looked up on `PATH` by `/usr/bin/env`) with its standard
    /// output read line by line, its standard input and error on `/dev/null`; runs `body` with it;
    /// then kills it and waits for its exit.
    ///
    /// - Parameters:
    ///   - directory: the working directory; nil for the test process's own.
    ///   - environment: the child's whole environment; nil to inherit the test process's.
    /// - Returns: what `body` returns.
    /// - Throws: when the program cannot be started, or what `body` throws.
    public static func run<Value>(
        _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil,
        body: (BackgroundProcess) async throws -> Value
    ) async throws -> Value {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let exited = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()
        let child = BackgroundProcess(pid: process.processIdentifier, lines: readLines(output.fileHandleForReading),
                                      exited: exited.stream)
        do {
            let result = try await body(child)
            await child.terminate()
            return result
        } catch {
            await child.terminate()
            throw error
        }
    }

    /// The first line the child writes, or nil when it closes its output or `timeout` passes first.
    public func firstLine(within timeout: Duration) async -> String? {
        await lines.next(within: timeout)
    }

    /// Sends `SIGKILL` and waits until the child is reaped.
    private func terminate() async {
        _ = kill(pid, SIGKILL)
        _ = await exited.first { _ in true }
    }

    /// Reads `handle` to its end on a dedicated thread, yielding each line (without its newline).
    private static func readLines(_ handle: FileHandle) -> AsyncStream<String> {
        let (lines, continuation) = AsyncStream<String>.makeStream()
        let reader = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
            continuation.finish()
        }
        reader.name = "test-support.background-process-output"
        reader.start()
        return lines
    }
}
