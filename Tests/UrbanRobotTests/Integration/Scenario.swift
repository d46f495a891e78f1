@testable import FleetConfiguration
@testable import FleetDaemon
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// One integration scenario: a fresh folder holding a ``BotRepository`` whose first revision ``v1`` is healthy, the
/// daemons the test runs on it one after another (``withDaemon(instances:port:allowUnmanaged:notifyURL:adjust:logHandler:stopWave:_:)``),
/// and every bot they showed. However the scenario ends, passing or failing, each daemon has been shut down, every
/// bot is killed and the folder removed.
final class Scenario: Sendable {
    let folder: String
    let repository: BotRepository
    /// The first, healthy revision.
    let v1: String
    /// The file where the bots record when they start and stop processing commands (``BotStateRecord``).
    var stateRecord: String { "\(folder)/bot-states.log" }
    private let botPids = Mutex<Set<Int32>>([])

    private init(folder: String, repository: BotRepository, v1: String) {
        self.folder = folder
        self.repository = repository
        self.v1 = v1
    }

    /// Runs `body` in a new scenario and cleans up after it, whatever happens.
    static func run<T>(_ body: (Scenario) async throws -> T) async throws -> T {
        let (folder, repository, v1) = try await BotRepository.withHealthyFirstRevision()
        let scenario = Scenario(folder: folder, repository: repository, v1: v1)
        defer { scenario.killBotsAndRemoveFolder() }
        return try await body(scenario)
    }

    /// Runs `body` with a daemon on this scenario's repository and folder, `instances` instances; `adjust` changes
    /// the test configuration last; `logHandler`, when given, receives the daemon's log; the stops of idle clients
    /// start in `stopWave`. The daemon runs in a child
    /// task and is shut down gracefully when `body` returns or throws; its bots keep running (as after a real
    /// shutdown: a next daemon may re-admit them) until the scenario ends.
    func withDaemon<T>(
        instances: Int, port: Int = 0, allowUnmanaged: Bool = false, notifyURL: String = "",
        adjust: (inout Configuration) -> Void = { _ in },
        logHandler: (@Sendable (String) -> any LogHandler)? = nil, stopWave: StopWave = .standard,
        _ body: (DaemonHarness) async throws -> T
    ) async throws -> T {
        let harness = try DaemonHarness(
            scenario: self, instances: instances, port: port, allowUnmanaged: allowUnmanaged, notifyURL: notifyURL,
            adjust: adjust, logHandler: logHandler, stopWave: stopWave)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await harness.group.run() }
            let outcome: Result<T, any Error>
            do {
                _ = await harness.daemon.channelPort
                outcome = .success(try await body(harness))
            } catch {
                outcome = .failure(error)
            }
            _ = await harness.pids()
            await harness.group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try outcome.get()
        }
    }

    /// What the bots recorded so far.
    func botStates() throws -> [BotStateRecord] {
        try BotStateRecord.read(stateRecord)
    }

    /// Remembers bot pids to kill when the scenario ends.
    func remember(_ pids: [Int32]) {
        botPids.withLock { $0.formUnion(pids) }
    }

    /// Kills the process group of every bot a status showed and of every process still working in the folder (a
    /// candidate launched after the last status, say), then removes the folder.
    private func killBotsAndRemoveFolder() {
        for pid in botPids.withLock({ $0 }) where pid > 1 { kill(-pid, SIGKILL) }
        for pid in processesWorking(under: folder) {
            let group = getpgid(pid)
            if group > 1 && group != getpgrp() { kill(-group, SIGKILL) }
            kill(pid, SIGKILL)
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The processes whose working directory is `folder` or inside it.
    private func processesWorking(under folder: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != getpid(),
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd"),
                  cwd == folder || cwd.hasPrefix(folder + "/")
            else { return nil }
            return pid
        }
    }
}
