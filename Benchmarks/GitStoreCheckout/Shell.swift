import Foundation

/// Runs commands for the benchmark's fixtures and baselines (the product itself never runs git).
enum Shell {
    /// Runs `sh -c command` in `directory`; exits the benchmark when it fails.
    @discardableResult
    static func run(_ command: String, in directory: String = FileManager.default.currentDirectoryPath) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_AUTHOR_NAME"] = "Bench"
        environment["GIT_AUTHOR_EMAIL"] = "bench@example.invalid"
        environment["GIT_COMMITTER_NAME"] = "Bench"
        environment["GIT_COMMITTER_EMAIL"] = "bench@example.invalid"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            fatalError("cannot run \(command): \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            fatalError("failed (\(process.terminationStatus)): \(command)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Single-quotes `text` for `sh`.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
