import DockerEngine
import FleetTypes
import Foundation
import Supervisor
import Synchronization

/// Follows one client's service: its container's start (then its output into the log file) and its end (then the
/// service and its secret are removed and the exit is set).
///
/// The engine's events report the containers of its own node only. A task placed there is followed through its
/// container's `start` and `die` events, without polling: when the events stream breaks (the engine restarted),
/// the task's state is read once and the stream is taken up again from where it broke. A task placed on another
/// node is followed through its state, read once a second (the Engine API has no event for a task's state), and
/// its output comes from the task's logs (the manager's log broker).
final class ServiceWatcher: Sendable {
    let engine: DockerEngineClient
    let service: String
    let secretID: String
    /// The engine's own node (empty: unknown, the events are followed).
    let eventsNode: String
    /// Set when the container started, or ended before it was seen starting.
    let start = Latch<Start>()
    /// Set once the container ended and the service is removed.
    let exit = Latch<TerminationStatus>()
    private let log: ForwardedLog?
    private let logsSince: Date?
    /// The following tasks; `drain`: how long the output may take to end after the container did (a task's log
    /// stream does not end by itself).
    private let following = Mutex<(events: Task<Void, Never>?, output: Task<Void, Never>?, drain: Duration)>((nil, nil, .zero))

    /// How a launch's wait for the container ends.
    enum Start: Sendable {
        /// It runs: its container's id.
        case running(container: String)
        /// It ended first.
        case ended(TerminationStatus)
    }

    /// A watcher of `service` whose output goes to `log` (from `logsSince`, else from the container's start), on
    /// an engine whose own node is `eventsNode`.
    init(engine: DockerEngineClient, service: String, secretID: String, log: ForwardedLog?, logsSince: Date? = nil,
         eventsNode: String) {
        self.engine = engine
        self.service = service
        self.secretID = secretID
        self.eventsNode = eventsNode
        self.log = log
        self.logsSince = logsSince
    }

    /// Starts following the service: through its containers' events from `since` (a time before the service could
    /// have changed: those already past are replayed) when its task is placed on the engine's own node, else
    /// through the task's state (no events stream is held for it). `container`: the container of an adopted
    /// service, already running.
    func follow(eventsSince since: Date, container: String? = nil) {
        let task = Task {
            if !self.eventsNode.isEmpty {
                guard let placed = await self.placedTask() else {
                    if !Task.isCancelled { await self.ended(.unknown) }
                    return
                }
                if placed.nodeID != self.eventsNode { return await self.followState(from: placed) }
            }
            if let container { self.containerStarted(container) }
            await self.run(self.engine.events(filters: ServiceNaming.eventFilters(service: self.service), since: since))
        }
        following.withLock { $0.events = task }
    }

    /// Stops following and removes the service and its secret (a launch that did not start).
    func discard() async {
        let (events, output, _) = following.withLock { $0 }
        events?.cancel()
        output?.cancel()
        await removeService()
        log?.close()
    }

    private func run(_ first: AsyncThrowingStream<EngineEvent, any Error>) async {
        var events = first
        while !Task.isCancelled {
            var lastSeen = Date()
            do {
                for try await event in events {
                    lastSeen = Date(timeIntervalSince1970: Double(event.timeNano) / 1e9)
                    switch event.action {
                    case "start": containerStarted(event.actor.id)
                    case "die":
                        await ended(Self.status(exitCode: event.exitCode))
                        return
                    default: break
                    }
                }
            } catch {}
            guard !Task.isCancelled else { return }
            // The stream broke: read the task once; go on from where the stream stopped if it still runs.
            try? await Task.sleep(for: .seconds(1))
            let since = lastSeen
            if let finished = await finishedTask() {
                await ended(finished)
                return
            }
            events = engine.events(filters: ServiceNaming.eventFilters(service: service), since: since)
        }
    }

    /// The service's task once it is placed on a node; nil when the service is gone or the following is cancelled.
    private func placedTask() async -> SwarmTask? {
        while !Task.isCancelled {
            do {
                let task = try await engine.tasks(service: service).first
                if let task, task.nodeID?.isEmpty == false || task.status.isFinal { return task }
            } catch {
                // The engine answers 404 for the tasks of a service that is gone.
                if await serviceIsGone() { return nil }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }

    /// True when the engine answers that the service is not there (any more).
    private func serviceIsGone() async -> Bool {
        do {
            return try await engine.inspectService(service) == nil
        } catch {
            return false
        }
    }

    /// Follows a task on another node through its state, read once a second, until it ends or is gone (the tasks
    /// of a removed service are deleted once their containers are).
    private func followState(from first: SwarmTask) async {
        var task: SwarmTask? = first
        while !Task.isCancelled {
            if let task {
                if task.status.isFinal { return await ended(Self.status(of: task)) }
                if task.status.state == "running", let container = task.status.containerStatus?.containerID {
                    containerStarted(container, task: task.id)
                }
            }
            try? await Task.sleep(for: .seconds(1))
            do {
                guard let next = try await engine.task(first.id) else { return await ended(.unknown) }
                task = next
            } catch {
                task = nil  // the engine does not answer now: asked again
            }
        }
    }

    /// The status of the service's task when it has ended (or the service is gone); nil while it runs or when the
    /// engine cannot be asked.
    private func finishedTask() async -> TerminationStatus? {
        guard let tasks = try? await engine.tasks(service: service) else { return nil }
        guard let task = tasks.first else { return .unknown }
        return task.status.isFinal ? Self.status(of: task) : nil
    }

    /// The container started: its output is followed into the log, from the container's logs on this node, else
    /// from the task's (`task`).
    private func containerStarted(_ container: String, task: String? = nil) {
        guard start.set(.running(container: container)) else { return }
        if let log {
            let (engine, since) = (engine, logsSince)
            let frames = task.map { engine.logs(task: $0, follow: true, since: since) }
                ?? engine.logs(container: container, follow: true, since: since)
            let reader = Task {
                do {
                    for try await frame in frames {
                        log.write(frame.payload)
                    }
                } catch {
                    log.write(Array("# urban-robot: the container's output could not be followed further: \(error)\n".utf8))
                }
            }
            let drain: Duration = task == nil ? .seconds(5) : .seconds(1)
            following.withLock { ($0.output, $0.drain) = (reader, drain) }
        }
    }

    /// The container ended: its remaining output is written, the service and its secret are removed, the exit set.
    private func ended(_ status: TerminationStatus) async {
        start.set(.ended(status))
        let (output, drain) = following.withLock { ($0.output, $0.drain) }
        if let output {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await output.value }
                group.addTask { try? await Task.sleep(for: drain) }
                await group.next()
                output.cancel()
                group.cancelAll()
            }
        }
        log?.close()
        await removeService()
        exit.set(status)
    }

    private func removeService() async {
        try? await engine.removeService(service)
        try? await engine.removeSecret(secretID)
    }

    /// A container's exit code as the exit of its process: the engine reports a process killed by signal N as
    /// 128 + N.
    static func status(exitCode: Int32?) -> TerminationStatus {
        guard let code = exitCode else { return .unknown }
        return code > 128 && code <= 128 + 64 ? .signaled(signal: code - 128, coreDumped: false) : .exited(code: code)
    }

    /// How an ended task's container ended.
    static func status(of task: SwarmTask) -> TerminationStatus {
        task.status.containerStatus?.exitCode.map { status(exitCode: $0) } ?? .unknown
    }
}
