import Foundation

/// `urban-robot demo`: the whole story of a bot's deployments, told live in a
/// temporary folder in under two minutes.
///
/// It makes a bot repository from the example bot, installs the push hook, starts
/// a daemon with three simulated shards and short timings, and then pushes, as a
/// bot author would: v1 (deployed), v2 whose health check fails (the canary is
/// rolled back while v1 keeps serving), v3 that crashes 2 s after it starts serving
/// (caught in the bake), v4 (rolled out and tagged good), and finally rolls back by
/// hand to v1's good tag. Each step is checked; the demo fails when one does not go
/// as told.
///
/// ```swift
/// let succeeded = try await Demo(binary: "/usr/local/bin/urban-robot", keepFolder: false).run()
/// ```
public struct Demo: Sendable {
    private let binary: String
    private let keepFolder: Bool
    private let instances = 3

    /// A demo that drives `binary` (the urban-robot executable) the way its user would.
    public init(binary: String, keepFolder: Bool) {
        self.binary = binary
        self.keepFolder = keepFolder
    }

    /// Tells the story; true when every step went as told.
    public func run() async throws -> Bool {
        let started = ContinuousClock.now
        let workspace = try await DemoWorkspace.create(instances: instances)
        narrate("urban-robot demo in \(workspace.root.path)")
        let daemon = try DemoDaemon(binary: binary, workspace: workspace)
        let fleet = DemoFleetProbe(binary: binary, configuration: workspace.configuration.path)
        let told: Result<Bool, any Error>
        do {
            told = .success(try await tell(workspace, daemon: daemon, fleet: fleet, started: started))
        } catch {
            told = .failure(error)
        }
        await fleet.refresh()
        await daemon.stop()
        await fleet.stopBots()
        if keepFolder {
            print("The demo's folder is kept: \(workspace.root.path)")
        } else {
            try? FileManager.default.removeItem(at: workspace.root)
        }
        return try told.get()
    }

    /// The story itself, on a started daemon; true when every step went as told.
    private func tell(
        _ workspace: DemoWorkspace, daemon: DemoDaemon, fleet: DemoFleetProbe, started: ContinuousClock.Instant
    ) async throws -> Bool {
        try await DemoCommandRunner.run(binary, ["hook", "install", workspace.sourceRepository.path,
                                                 "-c", workspace.configuration.path])
        try await daemon.waitUntilServing(probe: fleet)

        var story = DemoStory()
        narrate("1. v1: the first revision; a push deploys it to \(instances) shards, canary first")
        let v1 = try await workspace.commit(simulation: #"{"health": "ok"}"#, version: "1.0.0", message: "v1: the first bot")
        try await push(workspace, fleet: fleet)
        try await story.expect(fleet.latestDeployment(), revision: v1, outcome: "succeeded", step: "v1")
        try await show("status", workspace)

        narrate("2. v2: its health check fails; the canary is rolled back and v1 never stops serving")
        let v2 = try await workspace.commit(simulation: #"{"health": "fail", "percent": 40, "cogs": {"music": false}}"#,
                                            version: "2.0.0", message: "v2: a broken music cog")
        let served = try await push(workspace, fleet: fleet)
        try await story.expect(fleet.latestDeployment(), revision: v2, outcome: "rolled-back", step: "v2")
        story.expectServedThroughout(served, step: "v2")
        try await story.expectFleet(on: v1, status: fleet.status(), step: "v2")

        narrate("3. v3: it crashes 2 s after it starts serving; the bake catches it")
        let v3 = try await workspace.commit(simulation: #"{"health": "ok", "crash_after_promotion": 2.0}"#,
                                            version: "3.0.0", message: "v3: a crash after promotion")
        try await push(workspace, fleet: fleet)
        try await story.expect(fleet.latestDeployment(), revision: v3, outcome: "rolled-back", step: "v3")
        try await story.expectFleet(on: v1, status: fleet.status(), step: "v3")

        narrate("4. v4: a good revision; rolled out to every shard and tagged good")
        let v4 = try await workspace.commit(simulation: #"{"health": "ok"}"#, version: "4.0.0", message: "v4: the fix")
        try await push(workspace, fleet: fleet)
        try await story.expect(fleet.latestDeployment(), revision: v4, outcome: "succeeded", step: "v4")
        try await story.expectFleet(on: v4, status: fleet.status(), step: "v4")
        try await show("status", workspace)

        let tag = try await DemoCommandRunner.run(
            "git", ["--git-dir", workspace.stateDirectory.appendingPathComponent("repo.git").path,
                    "tag", "--list", "good/*", "--points-at", v1]
        ).split(separator: "\n").first
        guard let tag else { throw DemoError("v1 has no good tag in the state's repository") }
        narrate("5. by hand: urban-robot rollback --to \(tag)")
        let rollbackStatus = try await DemoCommandRunner.stream(
            binary, ["rollback", "--to", String(tag), "-c", workspace.configuration.path])
        story.expect(rollbackStatus == 0, "the rollback to \(tag) exited \(rollbackStatus)")
        try await story.expectFleet(on: v1, status: fleet.status(), step: "rollback")
        try await show("status", workspace)
        try await show("history", workspace)

        let seconds = (ContinuousClock.now - started).components.seconds
        if story.failures.isEmpty {
            narrate("The demo went as told, in \(seconds) s.")
            return true
        }
        narrate("The demo did NOT go as told (\(seconds) s):")
        for failure in story.failures { print("  - \(failure)") }
        print("The daemon's log: \(workspace.daemonLog.path)")
        return false
    }

    /// Pushes the working copy; the hook's deployment progress streams into the output.
    /// Returns what a probe saw of the fleet while the push ran.
    @discardableResult
    private func push(_ workspace: DemoWorkspace, fleet: DemoFleetProbe) async throws -> DemoFleetProbe.Coverage {
        let folder = workspace.workingCopy.path
        return try await fleet.watch {
            try await DemoCommandRunner.stream("git", ["-C", folder, "push", "origin", "main"])
        }
    }

    private func show(_ command: String, _ workspace: DemoWorkspace) async throws {
        _ = try await DemoCommandRunner.stream(binary, [command, "-c", workspace.configuration.path], indent: "  ")
    }

    private func narrate(_ text: String) {
        print("\n==> \(text)")
    }
}
