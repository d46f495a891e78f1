import DockerEngine
import FleetTypes
import Foundation
import Supervisor
import Synchronization

/// Follows one client's service through the engine's events: its container's `start` (then its output into the
/// log file) and its `die` (then the service and its secret are removed and the exit is set). No polling: when
/// the events stream breaks (the engine restarted), the task's state is read once and the stream is taken up
/// again from where it broke.
final class ServiceWatcher: Sendable {
    let engine: DockerEngineClient
    let service: String
    let secretID: String
    /// Set when the container started, or ended before it was seen starting.
    let start = Latch<Start>()
    /// Set once the container ended and the service is removed.
    let exit = Latch<TerminationStatus>()
    private let log: ForwardedLog?
    private let logsSince: Date?
    private let following = Mutex<(events: Task<Void, Never>?, output: Task<Void, Never>?)>((nil, nil))

    /// How a launch's wait for the container ends.
    enum Start: Sendable {
        /// It runs: its container's id.
        case running(container: String)
        /// It ended first.
        case ended(TerminationStatus)
    }

    /// A watcher of `service` whose output goes to `log` (from `logsSince`, else from the container's start).
    init(engine: DockerEngineClient, service: String, secretID: String, log: ForwardedLog?, logsSince: Date? = nil) {
        self.engine = engine
        self.service = service
        self.secretID = secretID
        self.log = log
        self.logsSince = logsSince
    }

    /// Starts following `events` (subscribed from before the service could have changed). `container`: the
    /// container of an adopted service, already running.
    func follow(_ events: AsyncThrowingStream<EngineEvent, any Error>, container: String? = nil) {
        if let container { containerStarted(container) }
        let task = Task { await self.run(events) }
        following.withLock { $0.events = task }
    }

    /// Stops following and removes the service and its secret (a launch that did not start).
    func discard() async {
        let (events, output) = following.withLock { $0 }
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

    /// The status of the service's task when it has ended (or the service is gone); nil while it runs or when the
    /// engine cannot be asked.
    private func finishedTask() async -> TerminationStatus? {
        guard let tasks = try? await engine.tasks(service: service) else { return nil }
        guard let task = tasks.first else { return .unknown }
        guard task.status.isFinal else { return nil }
        return task.status.containerStatus?.exitCode.map { Self.status(exitCode: $0) } ?? .unknown
    }

    private func containerStarted(_ container: String) {
        guard start.set(.running(container: container)) else { return }
        if let log {
            let (engine, since) = (engine, logsSince)
            let task = Task {
                do {
                    for try await frame in engine.logs(container: container, follow: true, since: since) {
                        log.write(frame.payload)
                    }
                } catch {
                    log.write(Array("# urban-robot: the container's output could not be followed further: \(error)\n".utf8))
                }
            }
            following.withLock { $0.output = task }
        }
    }

    /// The container ended: its remaining output is written, the service and its secret are removed, the exit set.
    private func ended(_ status: TerminationStatus) async {
        start.set(.ended(status))
        if let output = following.withLock({ $0.output }) {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await output.value }
                group.addTask { try? await Task.sleep(for: .seconds(5)) }
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
}
