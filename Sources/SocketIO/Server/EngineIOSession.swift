import DequeModule
import FleetTypes
import Synchronization

/// One Engine.IO session with its Socket.IO client state, shared by the transports that serve
/// it (polling requests, WebSockets), the server's ticker and the session's dispatcher task.
///
/// All state sits behind one `Mutex`; continuations are resumed after the lock is released.
final class EngineIOSession: Sendable {
    typealias Instant = ContinuousClock.Instant

    struct Core: Sendable {
        var engine: EngineIOSessionStateMachine<Instant>
        var socketIO: SocketIOClientState
        var writers: [EngineIOTransportID: CheckedContinuation<EngineIOOutbound?, Never>] = [:]
        /// WebSockets, written to directly (no writer task)
        var webSockets: [EngineIOTransportID: WebSocketWriter] = [:]
        var dispatch: Deque<DispatchItem> = []
        var dispatchWaiter: CheckedContinuation<DispatchItem?, Never>?
        /// Resumes a transport reader paused until the dispatcher catches up.
        var backlogWaiter: (@Sendable () -> Void)?
        var dispatchClosed = false
        var dispatchFinished = false
        var nextWebSocketID = 0

        /// The earliest instant at which ``EngineIOSession/tick(now:)`` has something to do: the Engine.IO
        /// deadlines, the connect timeout, the acks' timeouts.
        var nextDeadline: Instant? {
            var earliest = engine.nextDeadline
            func consider(_ deadline: Instant?) {
                guard let deadline else { return }
                earliest = earliest.map { min($0, deadline) } ?? deadline
            }
            consider(socketIO.connectDeadline)
            for pending in socketIO.pendingAcks.values { consider(pending.deadline) }
            return earliest
        }
    }

    /// Continuations to resume once the lock is released.
    struct Work: Sendable {
        var writers: [(CheckedContinuation<EngineIOOutbound?, Never>, EngineIOOutbound)] = []
        var dispatcher: (CheckedContinuation<DispatchItem?, Never>, DispatchItem)?
        var acks: [(CheckedContinuation<[JSONValue], any Error>, Result<[JSONValue], SocketIOError>)] = []
        var ended: DisconnectReason?
        var backlogWaiter: (@Sendable () -> Void)?

        func run() {
            for (continuation, outbound) in writers { continuation.resume(returning: outbound) }
            if let (continuation, item) = dispatcher { continuation.resume(returning: item) }
            backlogWaiter?()
            for (continuation, result) in acks { continuation.resume(with: result.mapError { $0 as any Error }) }
        }
    }

    /// The session id (`sid` of the open packet)
    let id: String
    /// Connection facts for the auth hook
    let connectionInfo: SocketIOHandshake.Connection
    let configuration: SocketIOServer.Configuration
    let namespaceExists: @Sendable (String) -> Bool
    /// Called once, when the session authenticated
    let onAuthenticated: @Sendable (EngineIOSession) -> Void
    let onEnded: @Sendable (EngineIOSession, DisconnectReason) -> Void
    /// Where the session's dispatcher runs: the event loop of the connection that opened the
    /// session, or the global executor when that is not known
    let dispatchExecutor: EventLoopTaskExecutor?
    /// The session's state; read and written only through ``locked(_:)``, which keeps ``due`` true.
    private let core: Mutex<Core>
    /// When the server's ticker must next call ``tick(now:)`` (``SessionDueTime``): stored whenever the lock is
    /// released, from the deadlines it guards, so never later than the earliest of them.
    private let due: Atomic<Int64>

    init(
        id: String,
        transport: EngineIOTransportID,
        connectionInfo: SocketIOHandshake.Connection,
        configuration: SocketIOServer.Configuration,
        now: Instant,
        dispatchExecutor: EventLoopTaskExecutor?,
        namespaceExists: @escaping @Sendable (String) -> Bool,
        onAuthenticated: @escaping @Sendable (EngineIOSession) -> Void,
        onEnded: @escaping @Sendable (EngineIOSession, DisconnectReason) -> Void
    ) {
        self.id = id
        self.connectionInfo = connectionInfo
        self.configuration = configuration
        self.namespaceExists = namespaceExists
        self.onAuthenticated = onAuthenticated
        self.onEnded = onEnded
        self.dispatchExecutor = dispatchExecutor
        let engine = EngineIOSessionStateMachine<Instant>(
            transport: transport,
            configuration: .init(
                pingInterval: configuration.pingInterval,
                pingTimeout: configuration.pingTimeout,
                upgradeTimeout: configuration.upgradeTimeout,
                maxQueuedPackets: configuration.maxQueuedPackets,
                maxQueuedBytes: configuration.maxQueuedBytes
            ),
            now: now
        )
        let socketIO = SocketIOClientState(
            maxAttachments: configuration.maxAttachments,
            maxAttachmentBytes: configuration.maxPayload,
            connectDeadline: now.advanced(by: configuration.connectTimeout)
        )
        let core = Core(engine: engine, socketIO: socketIO)
        due = Atomic(SessionDueTime.nanoseconds(core.nextDeadline))
        self.core = Mutex(core)
    }

    /// Whether a tick at `now` (``SessionDueTime/nanoseconds(_:)``) has something to do.
    func isDue(at now: Int64) -> Bool {
        now >= due.load(ordering: .relaxed)
    }

    /// The open packet's JSON for this session.
    func openPacket(upgrades: [String]) -> EngineIOPacket {
        let upgradeList = upgrades.map { "\"\($0)\"" }.joined(separator: ",")
        return .open(
            "{\"sid\":\"\(id)\",\"upgrades\":[\(upgradeList)],\"pingInterval\":\(configuration.pingInterval.milliseconds),"
                + "\"pingTimeout\":\(configuration.pingTimeout.milliseconds),\"maxPayload\":\(configuration.maxPayload)}"
        )
    }

    /// Runs `body` under the lock, then stores when the next tick is due (every deadline lives in the state the
    /// lock guards, so a deadline that `body` sets is seen by the ticker's next pass).
    func locked<Result>(_ body: (inout Core) -> Result) -> Result {
        core.withLock { core in
            defer { due.store(SessionDueTime.nanoseconds(core.nextDeadline), ordering: .relaxed) }
            return body(&core)
        }
    }

    /// Runs `body` under the lock, then resumes what it collected and reports the end of the session.
    func withCore<Result>(_ body: (inout Core, inout Work) -> Result) -> Result {
        var work = Work()
        let result = locked { core in body(&core, &work) }
        work.run()
        if let reason = work.ended { onEnded(self, reason) }
        return result
    }

    // MARK: Engine.IO

    /// Waits for output for `requester` (a polling GET or a WebSocket writer loop).
    /// - Returns: The output, or `nil` when the request must be refused (HTTP 400).
    func nextOutbound(for requester: EngineIOTransportID) async -> EngineIOOutbound? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<EngineIOOutbound?, Never>) in
                let now = Instant.now
                let immediate: EngineIOOutbound?? = withCore { core, work in
                    let (result, effects) = core.engine.takeOutbound(for: requester, now: now)
                    core.apply(effects, session: self, now: now, work: &work)
                    switch result {
                    case .now(let outbound): return .some(outbound)
                    case .reject: return .some(nil)
                    case .wait:
                        if Task.isCancelled {
                            _ = core.engine.cancelWait(for: requester)
                            return .some(.packets([.noop]))
                        }
                        core.writers[requester] = continuation
                        return nil
                    }
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = locked { core -> CheckedContinuation<EngineIOOutbound?, Never>? in
                guard core.engine.cancelWait(for: requester) else { return nil }
                return core.writers.removeValue(forKey: requester)
            }
            waiter?.resume(returning: .packets([.noop]))
        }
    }

    /// Handles packets from the client that arrived on `source`, then waits while the
    /// dispatcher has more than `maxQueuedPackets` events to work through (backpressure on the
    /// client's connection rather than an ever-growing queue).
    func receive(_ packets: [EngineIOPacket], from source: EngineIOTransportID) async {
        guard deliver(packets, from: source) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            whenDispatcherDrains { continuation.resume() }
        }
    }

    /// Handles packets from the client that arrived on `source`, without waiting.
    /// - Returns: `true` when the dispatcher has more than `maxQueuedPackets` events to work
    ///   through: the caller stops reading from the client until ``whenDispatcherDrains(_:)``
    ///   calls back.
    func deliver(_ packets: [EngineIOPacket], from source: EngineIOTransportID) -> Bool {
        let now = Instant.now
        return withCore { core, work in
            for packet in packets {
                let effects = core.engine.receive(packet, from: source, now: now)
                core.apply(effects, session: self, now: now, work: &work)
            }
            return core.dispatch.count > configuration.maxQueuedPackets && !core.dispatchClosed
        }
    }

    /// Calls `resume` once the dispatcher's backlog is down to half of `maxQueuedPackets` or the
    /// session ended; at once when that is already so. One reader waits at a time.
    func whenDispatcherDrains(_ resume: @escaping @Sendable () -> Void) {
        let waits = locked { core in
            guard core.dispatch.count > configuration.maxQueuedPackets / 2, !core.dispatchClosed,
                core.backlogWaiter == nil
            else { return false }
            core.backlogWaiter = resume
            return true
        }
        if !waits { resume() }
    }

    /// Handles bytes that did not decode: closes the session.
    func receiveMalformed() {
        close(reason: .parseError, kind: .silent)
    }

    /// Closes the session from the server side.
    func close(reason: DisconnectReason, kind: EngineIOSessionStateMachine<Instant>.CloseKind) {
        let now = Instant.now
        withCore { core, work in
            let effects = core.engine.close(reason: reason, kind: kind, now: now)
            core.apply(effects, session: self, now: now, work: &work)
        }
    }

    /// Marks the session authenticated: the connect timeout no longer applies and the server stops counting it
    /// as unauthenticated. Does nothing when it already is, or when it ended.
    func markAuthenticated() {
        let changed = locked { core in
            guard core.socketIO.connectDeadline != nil, !core.engine.isClosed else { return false }
            core.socketIO.connectDeadline = nil
            return true
        }
        if changed { onAuthenticated(self) }
    }

    /// Applies deadlines: heartbeat, upgrade, connect timeout, ack timeouts (the server's ticker calls it once
    /// the session ``isDue(at:)``).
    func tick(now: Instant) {
        withCore { core, work in
            let effects = core.engine.tick(now: now)
            core.apply(effects, session: self, now: now, work: &work)
            if let deadline = core.socketIO.connectDeadline, now >= deadline, !core.engine.isClosed {
                core.socketIO.connectDeadline = nil
                let effects = core.engine.close(reason: .forcedClose, kind: .withClosePacket, now: now)
                core.apply(effects, session: self, now: now, work: &work)
            }
            for (ackID, pending) in core.socketIO.pendingAcks where now >= pending.deadline {
                core.socketIO.pendingAcks[ackID] = nil
                work.acks.append((pending.continuation, .failure(SocketIOError(.ackTimeout, "no ack for packet \(ackID) in namespace \(pending.namespace) before the timeout"))))
            }
        }
    }

    /// Marks the start of a POST.
    func beginPost() -> Bool {
        let now = Instant.now
        return withCore { core, work in
            let (accepted, effects) = core.engine.beginPost(now: now)
            core.apply(effects, session: self, now: now, work: &work)
            return accepted
        }
    }

    /// Marks the end of a POST.
    func endPost() {
        locked { $0.engine.endPost() }
    }

    /// Starts probing a new WebSocket for an upgrade.
    /// - Returns: The WebSocket's transport id, or `nil` when no upgrade is possible now.
    func beginProbe() -> EngineIOTransportID? {
        let now = Instant.now
        return locked { core in
            let id = core.nextWebSocketID
            core.nextWebSocketID += 1
            return core.engine.beginProbe(id: id, now: now) ? .webSocket(id) : nil
        }
    }

    /// Allocates the id of the WebSocket that opened this session.
    func takeWebSocketID() -> EngineIOTransportID {
        locked { core in
            let id = core.nextWebSocketID
            core.nextWebSocketID += 1
            return .webSocket(id)
        }
    }

    /// Attaches a WebSocket's writer and hands it what is queued for it.
    func attach(_ writer: WebSocketWriter, as transport: EngineIOTransportID) {
        let now = Instant.now
        withCore { core, work in
            core.webSockets[transport] = writer
            core.rearm(transport, session: self, now: now, work: &work)
        }
    }

    /// A WebSocket ended (peer closed it or it failed).
    func transportEnded(_ source: EngineIOTransportID) {
        let now = Instant.now
        withCore { core, work in
            core.webSockets[source] = nil
            let effects = core.engine.transportEnded(source, now: now)
            core.apply(effects, session: self, now: now, work: &work)
            if let waiter = core.writers.removeValue(forKey: source) {
                work.writers.append((waiter, .finish([])))
            }
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
