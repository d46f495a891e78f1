import DequeModule

/// The transport a request or WebSocket belongs to.
enum EngineIOTransportID: Hashable, Sendable {
    /// HTTP long-polling GET requests
    case polling
    /// One WebSocket connection, numbered by the session
    case webSocket(Int)
}

/// What a waiting transport writer gets next.
enum EngineIOOutbound: Sendable, Equatable {
    /// Write these packets (polling: answer the GET with them), then ask again
    case packets([EngineIOPacket])
    /// Write these packets, then end the transport (WebSocket: close it cleanly)
    case finish([EngineIOPacket])
    /// End the transport at once with no packet, as a network failure would
    case drop
}

/// The Engine.IO v4 session logic for one client, as a value: events in, effects out, time injected.
///
/// The session owns the outgoing queue (bounded by packets and bytes), the heartbeat deadlines
/// (a ping every `pingInterval`, closed when no pong arrives within `pingTimeout`), the upgrade from
/// polling to WebSocket (probe, `3probe`, noop to release the pending GET, `5`), and close handling.
struct EngineIOSessionStateMachine<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    struct Configuration: Sendable {
        var pingInterval: Duration
        var pingTimeout: Duration
        var upgradeTimeout: Duration
        var maxQueuedPackets: Int
        var maxQueuedBytes: Int
    }

    /// Side effects for the owner to carry out, in order.
    enum Effect: Sendable, Equatable {
        /// Resume the writer waiting on this transport
        case resume(EngineIOTransportID, EngineIOOutbound)
        /// Pass a message to the Socket.IO layer
        case deliver(EngineIOPacket)
        /// The session ended: forget it, tell the Socket.IO layer
        case closed(DisconnectReason)
    }

    /// The answer to a writer asking for output.
    enum TakeResult: Sendable, Equatable {
        case now(EngineIOOutbound)
        case wait
        case reject
    }

    private enum Phase: Sendable {
        case open
        /// Server-side close on polling: the close packet waits for the next GET until the deadline.
        case closing(deadline: Instant, reason: DisconnectReason)
        case closed
    }

    private enum Probe: Sendable {
        case none
        /// A WebSocket connected with this sid; waiting for `2probe`
        case probing(id: Int, deadline: Instant)
        /// `3probe` sent; waiting for `5`
        case upgrading(id: Int, deadline: Instant)

        var id: Int? {
            switch self {
            case .none: nil
            case .probing(let id, _), .upgrading(let id, _): id
            }
        }
    }

    let configuration: Configuration
    private(set) var transport: EngineIOTransportID
    private var phase: Phase = .open
    private var probe: Probe = .none
    private var outbound: Deque<EngineIOPacket> = []
    private var outboundBytes = 0
    private var probeOutbound: [EngineIOPacket] = []
    private var waiting: Set<EngineIOTransportID> = []
    private var nextPing: Instant
    private var pongDeadline: Instant?
    private(set) var isPostInProgress = false

    init(transport: EngineIOTransportID, configuration: Configuration, now: Instant) {
        self.transport = transport
        self.configuration = configuration
        self.nextPing = now.advanced(by: configuration.pingInterval)
    }

    var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    var isUpgradeAllowed: Bool {
        guard case .open = phase, transport == .polling, probe.id == nil else { return false }
        return true
    }

    // MARK: Time

    /// The earliest instant at which ``tick(now:)`` has something to do (a ping to send, a pong overdue, a server
    /// close or an upgrade that timed out); `nil` once closed. A tick before it changes nothing, so its owner may
    /// skip the session until then.
    var nextDeadline: Instant? {
        switch phase {
        case .closed: return nil
        case .closing(let deadline, _): return deadline
        case .open: break
        }
        let heartbeat = pongDeadline ?? nextPing
        switch probe {
        case .probing(_, let deadline), .upgrading(_, let deadline): return min(heartbeat, deadline)
        case .none: return heartbeat
        }
    }

    /// Applies every deadline that has passed: sends pings, closes on a missed pong, ends a
    /// server close that no GET collected, aborts a stalled upgrade.
    mutating func tick(now: Instant) -> [Effect] {
        var effects: [Effect] = []
        switch phase {
        case .closed:
            return effects
        case .closing(let deadline, let reason):
            if now >= deadline {
                phase = .closed
                effects.append(.closed(reason))
            }
            return effects
        case .open:
            break
        }
        switch probe {
        case .probing(let id, let deadline), .upgrading(let id, let deadline):
            if now >= deadline { effects += abortProbe(id: id) }
        case .none:
            break
        }
        if pongDeadline == nil, now >= nextPing {
            // The client has `pingTimeout` from the ping's sending, as Engine.IO's own server counts it: counted
            // from when the ping was due, a tick late by that much (the server stalled: a paused machine, a
            // starved thread pool) closed every session at once, none of whose clients had been asked.
            pongDeadline = now.advanced(by: configuration.pingTimeout)
            effects += enqueue([.ping("")], now: now)
        }
        if let pongDeadline, now >= pongDeadline, !isClosed {
            effects += close(reason: .pingTimeout, kind: .silent, now: now)
        }
        return effects
    }

    // MARK: Output

    /// A writer asks for output: a polling GET or a WebSocket's writer loop.
    mutating func takeOutbound(for requester: EngineIOTransportID, now: Instant) -> (TakeResult, [Effect]) {
        var effects = tick(now: now)
        if case .webSocket(let id) = requester, probe.id == id {
            if !probeOutbound.isEmpty {
                defer { probeOutbound.removeAll() }
                return (.now(.packets(probeOutbound)), effects)
            }
            waiting.insert(requester)
            return (.wait, effects)
        }
        switch phase {
        case .closed:
            return (requester == .polling ? .reject : .now(.finish([])), effects)
        case .closing(_, let reason):
            guard requester == transport else { return (.reject, effects) }
            phase = .closed
            effects.append(.closed(reason))
            return (.now(.finish(drainOutbound() + [.close])), effects)
        case .open:
            break
        }
        guard requester == transport else {
            return (requester == .polling ? .reject : .now(.finish([])), effects)
        }
        if waiting.contains(requester) {
            // A second concurrent GET: the reference server closes the session.
            effects += close(reason: .transportError, kind: .withClosePacket, now: now)
            return (.reject, effects)
        }
        if !outbound.isEmpty {
            return (.now(.packets(drainOutbound())), effects)
        }
        if requester == .polling, case .upgrading = probe {
            return (.now(.packets([.noop])), effects)
        }
        waiting.insert(requester)
        return (.wait, effects)
    }

    /// A waiting writer gave up (its request was cancelled).
    mutating func cancelWait(for requester: EngineIOTransportID) -> Bool {
        waiting.remove(requester) != nil
    }

    /// Queues packets for the client.
    /// - Returns: The effects, or `nil` when the session no longer accepts packets.
    mutating func send(_ packets: [EngineIOPacket], now: Instant) -> [Effect]? {
        var effects = tick(now: now)
        guard case .open = phase else { return nil }
        effects += enqueue(packets, now: now)
        return effects
    }

    private mutating func enqueue(_ packets: [EngineIOPacket], now: Instant) -> [Effect] {
        for packet in packets {
            outbound.append(packet)
            outboundBytes += packet.weight
        }
        if outbound.count > configuration.maxQueuedPackets || outboundBytes > configuration.maxQueuedBytes {
            // The client does not read: close rather than buffer without bound.
            return close(reason: .transportError, kind: .silent, now: now)
        }
        if waiting.remove(transport) != nil {
            return [.resume(transport, .packets(drainOutbound()))]
        }
        return []
    }

    private mutating func drainOutbound() -> [EngineIOPacket] {
        let packets = Array(outbound)
        outbound.removeAll(keepingCapacity: outbound.count < 64)
        outboundBytes = 0
        return packets
    }

    // MARK: Input

    /// Marks the start of a POST; `false` when one is already running (the session is then closed).
    mutating func beginPost(now: Instant) -> (Bool, [Effect]) {
        guard !isPostInProgress else {
            return (false, close(reason: .transportError, kind: .withClosePacket, now: now))
        }
        isPostInProgress = true
        return (true, [])
    }

    /// Marks the end of a POST.
    mutating func endPost() {
        isPostInProgress = false
    }

    /// Handles a packet from the client on `source`.
    mutating func receive(_ packet: EngineIOPacket, from source: EngineIOTransportID, now: Instant) -> [Effect] {
        var effects = tick(now: now)
        guard case .open = phase else { return effects }
        if case .webSocket(let id) = source, probe.id == id {
            return effects + receiveOnProbe(packet, id: id, now: now)
        }
        guard source == transport else { return effects }
        switch packet {
        case .pong:
            pongDeadline = nil
            nextPing = now.advanced(by: configuration.pingInterval)
        case .message, .binary:
            effects.append(.deliver(packet))
        case .close:
            effects += close(reason: .transportClose, kind: .noopForPendingPoll, now: now)
        case .ping:
            // Engine.IO v4 heartbeats go from server to client only.
            effects += close(reason: .parseError, kind: .silent, now: now)
        case .open, .upgrade, .noop:
            break
        }
        return effects
    }

    private mutating func receiveOnProbe(_ packet: EngineIOPacket, id: Int, now: Instant) -> [Effect] {
        switch (packet, probe) {
        case (.ping("probe"), .probing(_, let deadline)):
            probe = .upgrading(id: id, deadline: deadline)
            probeOutbound.append(.pong("probe"))
            var effects: [Effect] = []
            if waiting.remove(.webSocket(id)) != nil {
                effects.append(.resume(.webSocket(id), .packets(probeOutbound)))
                probeOutbound.removeAll()
            }
            if waiting.remove(.polling) != nil {
                effects.append(.resume(.polling, .packets([.noop])))
            }
            return effects
        case (.upgrade, .upgrading):
            probe = .none
            probeOutbound.removeAll()
            transport = .webSocket(id)
            var effects: [Effect] = []
            if waiting.remove(.polling) != nil {
                effects.append(.resume(.polling, .packets([.noop])))
            }
            if !outbound.isEmpty, waiting.remove(.webSocket(id)) != nil {
                effects.append(.resume(.webSocket(id), .packets(drainOutbound())))
            }
            return effects
        default:
            return abortProbe(id: id)
        }
    }

    /// A WebSocket connected with this session's sid: start probing it.
    mutating func beginProbe(id: Int, now: Instant) -> Bool {
        guard isUpgradeAllowed else { return false }
        probe = .probing(id: id, deadline: now.advanced(by: configuration.upgradeTimeout))
        return true
    }

    private mutating func abortProbe(id: Int) -> [Effect] {
        probe = .none
        probeOutbound.removeAll()
        if waiting.remove(.webSocket(id)) != nil {
            return [.resume(.webSocket(id), .finish([]))]
        }
        return []
    }

    /// A transport went away (WebSocket closed by the peer or failed).
    mutating func transportEnded(_ source: EngineIOTransportID, now: Instant) -> [Effect] {
        waiting.remove(source)
        if case .webSocket(let id) = source, probe.id == id {
            probe = .none
            probeOutbound.removeAll()
            return []
        }
        guard source == transport, !isClosed else { return [] }
        return close(reason: .transportClose, kind: .silent, now: now)
    }

    // MARK: Close

    /// How a close treats the writers.
    enum CloseKind: Sendable {
        /// Deliver queued packets and a close packet (server-side close)
        case withClosePacket
        /// Release a pending GET with a noop (the client sent the close packet)
        case noopForPendingPoll
        /// End the writers without more packets (a pending GET gets the close packet)
        case silent
        /// End the writers abruptly, as a network failure would
        case drop
    }

    /// Closes the session.
    mutating func close(reason: DisconnectReason, kind: CloseKind, now: Instant) -> [Effect] {
        switch phase {
        case .closed: return []
        case .closing: if kind == .withClosePacket || kind == .noopForPendingPoll { return [] }
        case .open: break
        }
        var effects: [Effect] = []
        if let probeID = probe.id {
            effects += abortProbe(id: probeID)
        }
        let pollWaiting = waiting.remove(.polling) != nil
        var wsWaiters: [EngineIOTransportID] = []
        for case .webSocket(let id) in waiting { wsWaiters.append(.webSocket(id)) }
        waiting.removeAll()
        switch kind {
        case .withClosePacket:
            if transport == .polling && !pollWaiting {
                phase = .closing(deadline: now.advanced(by: configuration.pingTimeout), reason: reason)
                return effects
            }
            let final = drainOutbound()
            if pollWaiting { effects.append(.resume(.polling, .finish(final + [.close]))) }
            for waiter in wsWaiters { effects.append(.resume(waiter, .finish(final))) }
        case .noopForPendingPoll:
            if pollWaiting { effects.append(.resume(.polling, .finish([.noop]))) }
            for waiter in wsWaiters { effects.append(.resume(waiter, .finish([]))) }
        case .silent:
            if pollWaiting { effects.append(.resume(.polling, .finish([.close]))) }
            for waiter in wsWaiters { effects.append(.resume(waiter, .finish([]))) }
        case .drop:
            if pollWaiting { effects.append(.resume(.polling, .drop)) }
            for waiter in wsWaiters { effects.append(.resume(waiter, .drop)) }
        }
        outbound.removeAll()
        outboundBytes = 0
        phase = .closed
        effects.append(.closed(reason))
        return effects
    }
}
