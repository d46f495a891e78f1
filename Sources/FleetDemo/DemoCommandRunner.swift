import Foundation

/// Runs the programs of the demo (git, and urban-robot itself as its user would).
///
/// Every wait happens on a dedicated thread, never on Swift's cooperative pool: the pool has one
/// thread per core, and the demo samples the fleet's status while a push runs; a pool thread held
/// for a whole push (or two) would stall that sampling.
enum DemoCommandRunner {
    /// Runs `program` (found on PATH) and returns its trimmed standard output.
    ///
    /// - Throws: ``DemoError`` when it exits with a status other than 0, with its output.
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) async throws -> String {
        let result = try await execute(program, arguments) { _ in }
        guard result.status == 0 else {
            throw DemoError("`\(program) \(arguments.joined(separator: " "))` failed (exit \(result.status)):\n\(result.output)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `program` with its output streamed, each line indented, and returns its exit status.
    static func stream(_ program: String, _ arguments: [String], indent: String = "    ") async throws -> Int32 {
        try await execute(program, arguments) { print(indent + $0) }.status
    }

    /// Starts `program` (an absolute path, or a name found on PATH) with stdout and stderr into one pipe;
    /// a dedicated thread hands each line to `onLine`, reads to the end and waits for the exit.
    /// Returns the exit status and the whole output.
    private static func execute(
        _ program: String, _ arguments: [String], onLine: @escaping @Sendable (String) -> Void
    ) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let handle = pipe.fileHandleForReading
        return await withCheckedContinuation { continuation in
            let waiter = Thread {
                var output = Data()
                var pending = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    output.append(chunk)
                    pending.append(chunk)
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        onLine(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                        pending.removeSubrange(pending.startIndex...newline)
                    }
                }
                if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: output, as: UTF8.self)))
            }
            waiter.name = "urban-robot.demo-command"
            waiter.start()
        }
    }
}
