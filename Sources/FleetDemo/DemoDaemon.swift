import Foundation

/// The demo's `urban-robot serve`, a child process with its output in the workspace.
final class DemoDaemon: Sendable {
    private let process: Process
    private let log: URL

    /// Starts `binary serve` on the workspace's configuration, with the demo token in its environment.
    init(binary: String, workspace: DemoWorkspace) throws {
        guard FileManager.default.createFile(atPath: workspace.daemonLog.path, contents: nil) else {
            throw DemoError("cannot create \(workspace.daemonLog.path)")
        }
        let output = try FileHandle(forWritingTo: workspace.daemonLog)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "-c", workspace.configuration.path]
        var environment = ProcessInfo.processInfo.environment
        environment[DemoWorkspace.tokenVariable] = DemoWorkspace.demoToken
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.log = workspace.daemonLog
    }

    /// Waits until the daemon answers `status`, or fails with the tail of its log.
    func waitUntilServing(probe: DemoFleetProbe) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw DemoError("the daemon exited at start:\n\(logTail())") }
            if (try? await probe.status()) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw DemoError("the daemon did not answer within 60 s:\n\(logTail())")
    }

    /// SIGTERM, then SIGKILL after 30 s; the bots keep running (the demo stops them itself).
    /// Waits (suspended, not blocking a thread) until Foundation has seen the exit.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        if await !exited(within: .seconds(30)) {
            kill(process.processIdentifier, SIGKILL)
            _ = await exited(within: .seconds(30))
        }
    }

    /// Whether the daemon has exited within `timeout`, looking every 50 ms.
    private func exited(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return !process.isRunning
    }

    private func logTail() -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }
}
