public import Deployer
import Foundation
import GitStore
import Synchronization

extension Daemon {
    /// The `status --json` snapshot, with each connected client's latest `heartbeat`; waits until the daemon runs.
    public func status() async -> StatusSnapshot {
        var snapshot = await running.value.status()
        let channel = self.channel
        func attachHeartbeat(_ client: inout StatusSnapshot.Client?) {
            guard let id = client?.client else { return }
            client?.heartbeat = channel.heartbeat(of: id)
        }
        for index in snapshot.instances.indices {
            attachHeartbeat(&snapshot.instances[index].active)
            attachHeartbeat(&snapshot.instances[index].standby)
            attachHeartbeat(&snapshot.instances[index].candidate)
        }
        return snapshot
    }

    /// Deployments, newest first, at most `limit`.
    public func history(limit: Int) async throws -> [HistoryEntry] {
        try store.history(limit: limit)
    }

    /// One deployment, or nil.
    public func deployment(id: Int) async throws -> HistoryEntry? {
        try store.deployment(id: id).map(HistoryEntry.init)
    }

    /// Queues a deployment; its id is the one of the record the engine made for it.
    public func requestDeployment(_ request: DeploymentRequest) async throws -> Int {
        guard accepting.withLock({ $0 }) else {
            throw DaemonControlError(code: .refused, message: "the daemon is shutting down; request the deployment "
                + "again when it is back")
        }
        let actions = try await running.value.submit(.request(request))
        let records = actions.compactMap { action -> DeploymentRecord? in
            if case .recordDeployment(let record) = action { return record }
            return nil
        }
        guard let record = records.max(by: { $0.id < $1.id }) else {
            throw DaemonControlError(code: .refused, message: "the engine did not take the request for "
                + "\(request.ref ?? "the last good revision")")
        }
        if record.outcome == .failed, record.startedAt == nil {
            throw DaemonControlError(code: .refused, message: record.reason ?? "refused")
        }
        return record.id
    }

    /// Performs `abort`, `promote` or `resume`; refused when it does not apply now.
    public func perform(_ command: OperatorCommand) async throws {
        let driver = await running.value
        if command == .resume, await driver.status().state != .halted {
            throw DaemonControlError(code: .refused, message: "the daemon is not halted; nothing to resume")
        }
        let actions = try await driver.submit(.command(command))
        for action in actions {
            if case .audit(let entry) = action, entry.kind.hasSuffix("_ignored") {
                throw DaemonControlError(code: .refused, message: entry.detail["why"] ?? "ignored by the engine")
            }
        }
        if actions.isEmpty {
            throw DaemonControlError(code: .refused, message: "no deployment runs; nothing to \(command)")
        }
    }

    /// The stored progress of deployment `id`, then (with `follow`) the live events until `finished`.
    public func progress(deployment id: Int, follow: Bool) async throws -> AsyncThrowingStream<ProgressEvent, any Error> {
        guard try store.deployment(id: id) != nil else {
            throw DaemonControlError(code: .notFound, message: "there is no deployment #\(id); see `urban-robot history`")
        }
        return progressHub.stream(deployment: id, follow: follow)
    }

    /// The log file of `client` of `instance`, or of the instance's active client.
    public func logFile(instance: Int, client: String?) async throws -> String {
        let logs = ClientLogs(configuration: configuration)
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
        return try await releaseStore.resolve(configuration.source.branch).id
    }
}
