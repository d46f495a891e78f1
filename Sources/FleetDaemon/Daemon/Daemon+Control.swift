public import AdminAPI
public import Deployer
import FleetConfiguration
public import FleetTypes
import Foundation
import GitStore
import Supervisor
import Synchronization

extension Daemon {
    /// The `status --json` snapshot, with each connected client's latest `heartbeat`, where it runs, and its memory,
    /// CPU time (as its launcher reports them, read at most once a second: ``RunningProcesses/usage(of:now:)``) and
    /// start time; waits until the daemon runs.
    public func status() async -> StatusSnapshot {
        var snapshot = StatusSnapshot(await running.value.status())
        for index in snapshot.instances.indices {
            snapshot.instances[index].active = await attached(snapshot.instances[index].active)
            snapshot.instances[index].standby = await attached(snapshot.instances[index].standby)
            snapshot.instances[index].candidate = await attached(snapshot.instances[index].candidate)
        }
        return snapshot
    }

    /// `client` with its heartbeat, launch time and usage.
    private func attached(_ client: StatusSnapshot.Client?) async -> StatusSnapshot.Client? {
        guard var client else { return nil }
        client.heartbeat = channel.heartbeat(of: client.client)
        guard let process = processes.process(of: client.client) else { return client }
        // The wall-clock time of the launch, as recorded then (kept across daemon restarts): a later step of the
        // system clock does not move it.
        client.launchedAt = Date(timeIntervalSince1970: process.record.launchedAt)
        client.place(process.record)
        let usage = await processes.usage(of: client.client)
        client.rssBytes = usage?.rssBytes
        client.cpuSeconds = usage?.cpuSeconds
        return client
    }

    /// Deployments, newest first, at most `limit`.
    public func history(limit: Int) async throws -> [HistoryEntry] {
        try store.history(limit: limit).map(HistoryEntry.init)
    }

    /// The newest `limit` events outside any deployment, newest first (`routine`: also health checks passed and
    /// `action.*` records).
    public func recentEvents(limit: Int, routine: Bool) async throws -> [ProgressEvent] {
        try store.recentEvents(limit: limit, routine: routine).map(ProgressHub.event)
    }

    /// One deployment, or nil.
    public func deployment(id: Int) async throws -> HistoryEntry? {
        try store.deployment(id: id).map(HistoryEntry.init)
    }

    /// Queues a deployment: fetches the source and resolves the ref to a full commit id first (an unknown ref is
    /// refused before any record exists), then asks the engine. Its id is the new deployment's, or the one that
    /// already deploys or waits for the same revision.
    /// - Throws: ``DaemonControlError``: `.invalid` for a ref that does not resolve, `.refused` (halted, marked bad,
    ///   shutting down, fetch failed), `.nothingToDo` when the revision already serves every instance.
    public func requestDeployment(_ request: DeploymentRequest) async throws -> Int {
        guard accepting.withLock({ $0 }) else {
            throw DaemonControlError(code: .refused, message: "the daemon is shutting down; request the deployment "
                + "again when it is back")
        }
        var resolved = request
        if let ref = request.ref { resolved.ref = try await resolve(ref) }
        switch try await running.value.submit(.request(resolved)).reply {
        case .accepted(let id), .existing(let id, _):
            return id
        case .nothingToDo(let why):
            throw DaemonControlError(code: .nothingToDo, message: why)
        case .refused(let why, _), .ignored(let why):
            throw DaemonControlError(code: .refused, message: why)
        case .noted, .admitted, .performed:
            throw DaemonControlError(code: .refused, message: "the engine did not take the request")
        }
    }

    /// Fetches the source and resolves `ref` to a full commit id.
    private func resolve(_ ref: String) async throws -> String {
        let releaseStore = await releases.value
        do {
            _ = try await releaseStore.fetch(revision: ref)
        } catch {
            throw DaemonControlError(code: .refused, message: "cannot fetch \(configuration.source.url) to resolve "
                + "'\(ref)': \(error)")
        }
        do {
            return try await releaseStore.resolve(ref).id.rawValue
        } catch {
            throw DaemonControlError(code: .invalid, message: "unknown revision '\(ref)': it names no commit, branch or "
                + "tag of \(configuration.source.url) (\(error))")
        }
    }

    /// Performs `abort`, `promote` or `resume`; refused when it does not apply now.
    public func perform(_ command: OperatorCommand) async throws {
        let driver = await running.value
        if command == .resume, driver.status().state != .halted {
            throw DaemonControlError(code: .refused, message: "the daemon is not halted; nothing to resume")
        }
        switch try await driver.submit(.command(command)).reply {
        case .performed:
            return
        case .ignored(let why), .refused(let why, _):
            throw DaemonControlError(code: .refused, message: why)
        case .noted, .accepted, .existing, .nothingToDo, .admitted:
            throw DaemonControlError(code: .refused, message: "the engine did not take \(command)")
        }
    }

    /// The stored progress of deployment `id`, then (with `follow`) the live events until `finished`.
    public func progress(deployment id: Int, follow: Bool) async throws -> ProgressFeed {
        guard try store.deployment(id: id) != nil else {
            throw DaemonControlError(code: .notFound, message: "there is no deployment #\(id); see `urban-robot history`")
        }
        return progressHub.feed(deployment: id, follow: follow)
    }

    /// The log file of `client` of `instance`, or of the instance's active client.
    public func logFile(instance: Int, client: String?) async throws -> String {
        let logs = ClientLogs(stateDirectory: configuration.state.directory, instances: configuration.bot.instances)
        try logs.validate(instance: instance)
        let name: String
        if let client {
            name = client
        } else if let active = await status().instances.first(where: { $0.instance == instance })?.active {
            name = active.client.rawValue
        } else {
            throw DaemonControlError(code: .notFound, message: "instance \(instance) has no active client")
        }
        let path = try logs.path(instance: instance, client: name)
        guard FileManager.default.fileExists(atPath: path) else {
            throw DaemonControlError(code: .notFound, message: "no log of client \(name) of instance \(instance)")
        }
        return path
    }

    /// Fetches the source and returns the full id of the configured branch's tip.
    public func fetchBranchTip() async throws -> String {
        let releaseStore = await releases.value
        _ = try await releaseStore.fetch()
        return try await releaseStore.resolve(configuration.source.branch).id.rawValue
    }

    /// Whether `revision` descends from `ancestor` in the mirror.
    public func isDescendant(_ revision: String, of ancestor: String) async throws -> Bool {
        try await releases.value.isDescendant(revision, of: ancestor)
    }
}
