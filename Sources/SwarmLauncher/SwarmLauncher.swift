public import DockerEngine
import Foundation
public import Supervisor
import Synchronization

/// Runs each bot client as a Docker Swarm service, through the Docker Engine API: one replica, never restarted by
/// Swarm (the daemon owns restarts and backoff), on the host's network, placed by the configured constraints and
/// spread over the nodes, running the revision's image (`REPOSITORY:<full sha>`) with `[bot] command`.
///
/// - The per-launch key is a Swarm secret created for the launch (mounted as `/run/secrets/urban-robot-key`,
///   named by `URBAN_ROBOT_KEY_FILE`), removed with the service; it is never in the container's environment, nor
///   is the Discord token (it travels over the authenticated channel only).
/// - The service and the secret are named and labelled with the fleet, the client id, the instance and the
///   revision: a restarted daemon finds its clients from the labels alone (``adopt(_:log:)``).
/// - The start and the exit are the container's `start` and `die` events (no polling) on the engine's own node; a
///   task on another node (whose container events the engine does not report) is followed through its state, read
///   once a second. The output comes from the engine's logs (a task's on another node) into the same log file a
///   local process writes (``ForwardedLog``).
/// - A stop is the polite step, then the service's removal (SIGTERM, SIGKILL after the kill grace).
///
/// ```swift
/// let launcher = SwarmLauncher(engine: DockerEngineClient(socketPath: "/var/run/docker.sock"),
///                              settings: SwarmLauncherSettings(fleet: "mybot", repository: "mybot"))
/// let client = try await launcher.launch(request)      // returns once the container runs
/// print(client.record.location?.node ?? "")            // where it runs
/// ```
public final class SwarmLauncher: ProcessLauncher {
    /// Every exit of a client launched or adopted here, once. One consumer.
    public let exits: AsyncStream<ProcessExit>
    private let exitContinuation: AsyncStream<ProcessExit>.Continuation
    /// The engine (a manager of the swarm).
    public let engine: DockerEngineClient
    /// What the services are made of.
    public let settings: SwarmLauncherSettings
    /// The engine's own node, once known: its events report that node's containers only.
    private let ownNode: Mutex<String?>

    /// Creates a launcher of services on `engine`.
    public convenience init(engine: DockerEngineClient, settings: SwarmLauncherSettings) {
        self.init(engine: engine, settings: settings, eventsNode: nil)
    }

    /// A launcher that takes `eventsNode` (when set) for the engine's own node: with another node's id, the
    /// engine's own tasks are followed as remote ones are.
    init(engine: DockerEngineClient, settings: SwarmLauncherSettings, eventsNode: String?) {
        self.engine = engine
        self.settings = settings
        ownNode = Mutex(eventsNode)
        (exits, exitContinuation) = AsyncStream.makeStream(of: ProcessExit.self)
    }

    deinit {
        exitContinuation.finish()
    }

    /// Creates the client's secret and service and returns once its container runs.
    /// - Throws: ``SupervisorError`` (`invalidCommand`, `logFailed`, `spawnFailed` naming the service and the
    ///   engine's reason); nothing is left behind.
    public func launch(_ request: LaunchRequest) async throws(SupervisorError) -> SwarmClient {
        guard let name = request.command.first, !name.isEmpty else {
            throw SupervisorError(.invalidCommand, "the command is empty; set bot.command to an argv such as [\"python3\", \"bot.py\"]")
        }
        let image = settings.image(of: request.revision)
        let failed = { (what: String, error: any Error) in
            SupervisorError(.spawnFailed, "cannot start \(request.clientID) as a Swarm service: \(what)", cause: error)
        }
        do {
            guard try await engine.inspectImage(image) != nil else {
                throw SupervisorError(.spawnFailed, "cannot start \(request.clientID): the image \(image) is not on the engine; "
                    + "it is built when the release is prepared (check the deployment's build output)")
            }
        } catch let error as SupervisorError {
            throw error
        } catch {
            throw failed("the engine does not answer", error)
        }
        let naming = ServiceNaming(
            settings: settings, clientID: request.clientID,
            instance: request.environment["URBAN_ROBOT_SHARD"] ?? "", revision: request.revision)
        let log = try ForwardedLog(policy: request.log, header: ForwardedLog.launchHeader(for: request))
        let since = Date().addingTimeInterval(-1)
        let secretID: String
        do {
            secretID = try await engine.createSecret(SecretSpec(
                name: naming.secret, data: Data((request.environment["URBAN_ROBOT_KEY"] ?? "").utf8), labels: naming.labels))
        } catch {
            log.close()
            throw failed("its key's secret \(naming.secret) could not be created", error)
        }
        let watcher = ServiceWatcher(
            engine: engine, service: naming.service, secretID: secretID, log: log, eventsNode: await eventsNode())
        do {
            _ = try await engine.createService(serviceSpec(request, naming: naming, image: image, secretID: secretID))
        } catch {
            await watcher.discard()
            throw failed("the service \(naming.service) could not be created", error)
        }
        watcher.follow(eventsSince: since)
        switch await watcher.start.wait(within: settings.startTimeout) {
        case .running(let container):
            let (location, pid) = await locate(naming.service, container: container)
            return admit(SwarmClient(record: LaunchRecord(
                pid: pid, processGroup: pid, startTicks: 0, bootID: "", clientID: request.clientID, revision: request.revision,
                logPath: request.log.path, launchedAt: Date().timeIntervalSince1970, location: location), watcher: watcher))
        case .ended:
            // It started and ended before the start was seen: the exit is reported like any other.
            return admit(SwarmClient(record: LaunchRecord(
                pid: 0, processGroup: 0, startTicks: 0, bootID: "", clientID: request.clientID, revision: request.revision,
                logPath: request.log.path, launchedAt: Date().timeIntervalSince1970), watcher: watcher))
        case nil:
            let reason = (try? await engine.tasks(service: naming.service).first).map { task in
                "its task is \(task.status.state)" + (task.status.err.map { ": \($0)" } ?? "")
            } ?? "the engine says nothing of its task"
            await watcher.discard()
            throw SupervisorError(.spawnFailed, "\(request.clientID)'s service \(naming.service) did not start its container "
                + "within \(settings.startTimeout) (\(reason)); it was removed")
        }
    }

    /// Takes over the service of `record`'s client launched by an earlier daemon, found by its labels (the fleet
    /// and the client id), when its container still runs (or still starts); nil (and the service and its secret
    /// removed) when it ended. Its output is written to `log` from the log file's last change on.
    public func adopt(_ record: LaunchRecord, log: LogPolicy?) async throws(SupervisorError) -> SwarmClient? {
        let failed = { (error: any Error) in
            SupervisorError(.spawnFailed, "cannot adopt \(record.clientID)'s Swarm service: the engine does not answer", cause: error)
        }
        let services: [ServiceInfo]
        do {
            services = try await engine.services(label: "\(ServiceNaming.clientLabel)=\(record.clientID)")
                .filter { $0.spec.labels[ServiceNaming.fleetLabel] == settings.fleet }
        } catch {
            throw failed(error)
        }
        guard let service = services.first(where: { $0.spec.name == record.location?.service }) ?? services.first else {
            return nil
        }
        // From the launch on: the container's start is replayed when the engine still holds it (a task that is
        // still starting has no container yet), and nothing between the task's state and the subscription is missed.
        let since = Date(timeIntervalSince1970: min(record.launchedAt, Date().timeIntervalSince1970) - 1)
        let secretID = service.spec.taskTemplate.containerSpec.secrets?.first?.secretID ?? ""
        let task: SwarmTask?
        do {
            task = try await engine.tasks(service: service.id).first
        } catch {
            throw failed(error)
        }
        guard let task, !task.status.isFinal, task.desiredState == "running" else {
            try? await engine.removeService(service.id)
            try? await engine.removeSecret(secretID)
            return nil
        }
        let forwarded = try log.map { policy throws(SupervisorError) in
            try ForwardedLog(policy: policy, header: ForwardedLog.header("adopt \(record.clientID) revision \(record.revision)"))
        }
        let logsSince = log.flatMap { try? FileManager.default.attributesOfItem(atPath: $0.path)[.modificationDate] as? Date }
        let watcher = ServiceWatcher(
            engine: engine, service: service.spec.name, secretID: secretID, log: forwarded, logsSince: logsSince ?? since,
            eventsNode: await eventsNode())
        let running = task.status.state == "running" ? task.status.containerStatus?.containerID : nil
        watcher.follow(eventsSince: since, container: running)
        var adopted = record
        switch await watcher.start.wait(within: settings.startTimeout) {
        case .running(let container):
            (adopted.location, adopted.pid) = await locate(service.spec.name, container: container)
            adopted.processGroup = adopted.pid
        case .ended:
            break
        case nil:
            await watcher.discard()
            return nil
        }
        return admit(SwarmClient(record: adopted, watcher: watcher))
    }

    /// The engine's own node (asked once); empty while the engine cannot say (the events are then followed).
    private func eventsNode() async -> String {
        if let node = ownNode.withLock({ $0 }) { return node }
        guard let node = try? await engine.localNodeID() else { return "" }
        ownNode.withLock { $0 = node }
        return node
    }

    /// Reports the client's exit on ``exits`` once it comes.
    private func admit(_ client: SwarmClient) -> SwarmClient {
        let continuation = exitContinuation
        Task {
            guard let status = await client.watcher.exit.wait() else { return }
            continuation.yield(ProcessExit(record: client.record, status: status))
        }
        return client
    }

    /// Where the container of `service` runs, and its pid on its node.
    private func locate(_ service: String, container: String) async -> (ClientLocation, Int32) {
        let task = Self.task(of: container, among: (try? await engine.tasks(service: service)) ?? [])
        let nodeID = task?.nodeID ?? ""
        let node = nodeID.isEmpty ? "" : ((try? await engine.nodeHostname(nodeID)) ?? nil) ?? ""
        let location = ClientLocation(
            service: service, serviceID: task?.serviceID ?? "", taskID: task?.id ?? "", containerID: container,
            nodeID: nodeID, node: node)
        return (location, task?.status.containerStatus?.pid ?? 0)
    }

    /// The task of a one-replica service that runs `container`: the one whose status names it, else, while the
    /// engine has not yet written the container into the task's status (it does so a moment after the container's
    /// start event, and a loaded engine was seen answering in between), the one task Swarm wants running, whose node
    /// and id are known from its scheduling on.
    static func task(of container: String, among tasks: [SwarmTask]) -> SwarmTask? {
        tasks.first { $0.status.containerStatus?.containerID == container }
            ?? tasks.first { $0.desiredState == "running" && !$0.status.isFinal && $0.status.containerStatus?.containerID == nil }
    }

    /// The one-replica service of a launch.
    private func serviceSpec(_ request: LaunchRequest, naming: ServiceNaming, image: String, secretID: String) -> ServiceSpec {
        var spec = ServiceSpec(name: naming.service, labels: naming.labels, container: ContainerSpec(
            image: image, command: request.command,
            env: ContainerEnvironment.make(
                from: request.environment, daemonEnvironment: settings.daemonEnvironment, channelURL: settings.channelURL,
                keyFile: "/run/secrets/\(ServiceNaming.keyFileName)"),
            labels: naming.labels,
            secrets: [SecretReference(id: secretID, name: naming.secret, fileName: ServiceNaming.keyFileName)],
            stopGracePeriod: settings.killGrace))
        spec.taskTemplate.placement = ServiceSpec.Placement(constraints: settings.constraints, spread: settings.spread)
        spec.taskTemplate.resources = ServiceSpec.Resources(cpus: settings.limitCPUs, memoryBytes: settings.limitMemory)
        return spec
    }
}
