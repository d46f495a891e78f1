import Foundation
import Synchronization

/// Looks at the demo's fleet through the CLI (`status --json`, `history --json`),
/// as a script of the operator's would, and stops the bots at the end.
final class DemoFleetProbe: Sendable {
    /// What the probe saw while a push ran.
    struct Coverage {
        /// Status samples taken.
        var samples = 0
        /// Samples in which an instance had no active client.
        var gaps: [String] = []
    }

    /// The newest deployment of `history --json`.
    struct Deployment {
        var revision: String
        var outcome: String
        var reason: String
    }

    private let binary: String
    private let configuration: String
    private let lastPIDs = Mutex<[Int32]>([])

    init(binary: String, configuration: String) {
        self.binary = binary
        self.configuration = configuration
    }

    /// The `status --json` object.
    func status() async throws -> [String: Any] {
        let text = try await DemoCommandRunner.run(binary, ["status", "--json", "-c", configuration])
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw DemoError("status --json did not print an object: \(text)")
        }
        lastPIDs.withLock { $0 = Self.pids(in: object) }
        return object
    }

    /// The newest deployment.
    func latestDeployment() async throws -> Deployment {
        let text = try await DemoCommandRunner.run(binary, ["history", "--json", "-n", "1", "-c", configuration])
        guard let list = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]],
              let newest = list.first
        else { throw DemoError("history --json did not list a deployment: \(text)") }
        return Deployment(revision: newest["revision"] as? String ?? "", outcome: newest["outcome"] as? String ?? "",
                          reason: newest["reason"] as? String ?? "")
    }

    /// Runs `body` (a push) and samples the status about every 300 ms until it returns.
    func watch(_ body: @escaping @Sendable () async throws -> Int32) async throws -> Coverage {
        try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask { try await body() }
            var coverage = Coverage()
            while true {
                if let object = try? await status() {
                    coverage.samples += 1
                    for instance in object["instances"] as? [[String: Any]] ?? [] where !(instance["active"] is [String: Any]) {
                        coverage.gaps.append("instance \(instance["instance"] ?? "?") had no active client")
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(300))
                    return nil
                }
                // Either the pause ends (nil: sample again) or the push does (its exit status).
                if case let status?? = try await group.next() {
                    group.cancelAll()
                    guard status == 0 else { throw DemoError("the push failed (exit \(status))") }
                    return coverage
                }
            }
        }
    }

    /// Takes a last look at the fleet's processes.
    func refresh() async {
        _ = try? await status()
    }

    /// Stops the bots seen in the last status (bots outlive their daemon by design).
    func stopBots() async {
        let pids = lastPIDs.withLock { $0 }
        for pid in pids { kill(-pid, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, pids.contains(where: { kill($0, 0) == 0 }) {
            try? await Task.sleep(for: .milliseconds(100))
        }
        for pid in pids where kill(pid, 0) == 0 { kill(-pid, SIGKILL) }
    }

    private static func pids(in status: [String: Any]) -> [Int32] {
        var pids: [Int32] = []
        for instance in status["instances"] as? [[String: Any]] ?? [] {
            for role in ["active", "standby", "candidate"] {
                if let client = instance[role] as? [String: Any], let pid = client["pid"] as? Int, pid > 1 {
                    pids.append(Int32(pid))
                }
            }
        }
        return pids
    }
}
