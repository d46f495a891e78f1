import Foundation

/// Runs the programs of the demo (git, and urban-robot itself as its user would).
enum DemoCommandRunner {
    /// Runs `program` (found on PATH) and returns its trimmed standard output.
    ///
    /// - Throws: ``DemoError`` when it exits with a status other than 0, with its output.
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let result = try capture(program, arguments)
        guard result.status == 0 else {
            throw DemoError("`\(program) \(arguments.joined(separator: " "))` failed (exit \(result.status)):\n\(result.output)")
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `program` and returns its exit status and its combined output.
    private static func capture(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let (process, pipe) = try start(program, arguments)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs `program` with its output streamed, each line indented, and returns its exit status.
    static func stream(_ program: String, _ arguments: [String], indent: String = "    ") throws -> Int32 {
        let (process, pipe) = try start(program, arguments)
        var pending = Data()
        while true {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                print(indent + line)
                pending.removeSubrange(pending.startIndex...newline)
            }
        }
        if !pending.isEmpty { print(indent + String(decoding: pending, as: UTF8.self)) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Starts `program` (an absolute path, or a name found on PATH) with stdout and stderr into one pipe.
    private static func start(_ program: String, _ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, pipe)
    }
}
