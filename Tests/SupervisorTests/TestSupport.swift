#if canImport(Glibc)
import Glibc
#endif
import FleetTypes
import Foundation
import TestSupport
import Testing
@testable import Supervisor

/// A scratch folder under /tmp, removed by `remove()`.
struct Scratch {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "supervisor-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes an executable script and returns its path.
    @discardableResult
    func script(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o755)
        return file
    }

    func file(_ name: String) -> String { path + "/" + name }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The environment tests give their children: the daemon's allowlisted variables only.
func plainEnvironment() throws -> [String: String] {
    try LaunchEnvironment(inherited: ProcessInfo.processInfo.environment).make(configured: [:], identity: nil)
}

/// A request for `command` run in `scratch`, logging to `<scratch>/logs/<name>.log`.
func request(
    _ command: [String], in scratch: Scratch, name: String = "shard-0.1",
    environment: [String: String]? = nil, log: LogPolicy? = nil
) throws -> LaunchRequest {
    LaunchRequest(
        command: command, workingDirectory: scratch.path, environment: try environment ?? plainEnvironment(),
        clientID: name, revision: "0123456789abcdef0123456789abcdef01234567",
        log: log ?? LogPolicy(path: scratch.file("logs/\(name).log")))
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// True when `pid` runs (exists and is not a zombie).
func isRunning(_ pid: Int32) -> Bool {
    guard let stat = ProcessStat.read(pid: pid) else { return false }
    return stat.state != "Z"
}

/// The next exit on `exits`, or nil after `timeout`.
func nextExit(_ exits: AsyncStream<ProcessExit>, timeout: Duration = .seconds(30)) async -> ProcessExit? {
    await exits.next(within: timeout)
}

/// Waits up to 30 s for the exit of `process`.
func exitStatus(of process: LaunchedProcess) async throws -> TerminationStatus {
    try #require(await process.waitForExit(within: .seconds(30)) as ProcessExit?).status
}
