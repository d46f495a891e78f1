public import Foundation
public import FleetTypes

/// The gate of one new client: launch → connected with valid credentials → `identify` →
/// `hello{process_commands: false}` → `ready` → `cmd health_check` → report judged → pass or fail.
///
/// A value type: each method takes an event and the current time and returns what to do. Every phase has a
/// deadline (``nextDeadline``); ``tick(now:)`` fails the gate when it has passed. A disconnect is forgiven
/// when the client reconnects within `reconnect_grace`; it then identifies again and the gate resumes from
/// `hello`.
///
/// ```swift
/// var gate = Gate(launchedAt: now, settings: settings)
/// gate.connected(now: now)
/// gate.identified(now: now)          // [.sendHello]
/// gate.ready(now: now)               // [.sendHealthCheck]
/// gate.report(report)                // [.passed] or [.failed(reason)]
/// gate.tick(now: later)              // past a phase's deadline: [.failed(reason)]
/// ```
public struct Gate: Hashable, Sendable {
    /// Where the client is in its gate.
    public enum Phase: Hashable, Sendable {
        /// Launched; waiting for a connection with valid credentials and `identify`.
        case awaitingIdentify
        /// `hello` sent; waiting for `ready`.
        case awaitingReady
        /// `cmd health_check` sent; waiting for the report.
        case awaitingReport
        /// The report passed.
        case passed
        /// The gate failed.
        case failed(FailureReason)
    }

    /// What the owner of the gate must do.
    public enum Action: Hashable, Sendable {
        /// Send `hello` with `process_commands: false`.
        case sendHello
        /// Send `cmd health_check`.
        case sendHealthCheck
        /// The gate passed.
        case passed
        /// The gate failed.
        case failed(FailureReason)
    }

    /// The current phase.
    public private(set) var phase: Phase
    /// When the current phase times out.
    public private(set) var phaseDeadline: Date?
    /// When a disconnected client's grace ends; `nil` while connected.
    public private(set) var reconnectDeadline: Date?
    /// What the gate reads of the settings, not the whole of them: a gate is copied with its client, and a copy of
    /// all the settings made every client hundreds of bytes larger.
    private let limits: Limits

    /// The settings a gate reads: its timeouts and the health policy.
    private struct Limits: Hashable, Sendable {
        let identifyTimeout: Duration
        let readyTimeout: Duration
        let checkTimeout: Duration
        let reconnectGrace: Duration
        let health: HealthPolicy

        init(_ settings: DeployerSettings) {
            identifyTimeout = settings.identifyTimeout
            readyTimeout = settings.readyTimeout
            checkTimeout = settings.checkTimeout
            reconnectGrace = settings.reconnectGrace
            health = settings.health
        }
    }

    /// Starts the gate of a client launched at `now`.
    public init(launchedAt now: Date, settings: DeployerSettings) {
        limits = Limits(settings)
        self.phase = .awaitingIdentify
        self.phaseDeadline = now.adding(limits.identifyTimeout)
    }

    /// Whether the gate has ended.
    public var isFinished: Bool {
        switch phase {
        case .passed, .failed: true
        default: false
        }
    }

    /// The earliest time at which ``tick(now:)`` has something to do.
    public var nextDeadline: Date? {
        if isFinished { return nil }
        return reconnectDeadline ?? phaseDeadline
    }

    /// The client connected with valid credentials. After a disconnect within the grace it must identify again.
    public mutating func connected(now: Date) {
        guard !isFinished, reconnectDeadline != nil else { return }
        reconnectDeadline = nil
        phase = .awaitingIdentify
        phaseDeadline = now.adding(limits.identifyTimeout)
    }

    /// The client sent `identify`.
    public mutating func identified(now: Date) -> [Action] {
        guard phase == .awaitingIdentify, reconnectDeadline == nil else { return [] }
        phase = .awaitingReady
        phaseDeadline = now.adding(limits.readyTimeout)
        return [.sendHello]
    }

    /// The client sent `ready`.
    public mutating func ready(now: Date) -> [Action] {
        guard phase == .awaitingReady, reconnectDeadline == nil else { return [] }
        phase = .awaitingReport
        phaseDeadline = now.adding(limits.checkTimeout)
        return [.sendHealthCheck]
    }

    /// The client answered the health check.
    public mutating func report(_ report: HealthReport) -> [Action] {
        guard phase == .awaitingReport, reconnectDeadline == nil else { return [] }
        if let reason = limits.health.judge(report) { return fail(reason) }
        phase = .passed
        phaseDeadline = nil
        return [.passed]
    }

    /// The client's connection dropped: it has `reconnect_grace` to come back.
    public mutating func disconnected(now: Date) {
        guard !isFinished, reconnectDeadline == nil else { return }
        reconnectDeadline = now.adding(limits.reconnectGrace)
    }

    /// The process exited.
    public mutating func exited(_ exit: TerminationStatus) -> [Action] { fail(.exited(exit)) }

    /// The gate fails for a reason found outside it (wrong credentials, unasked shutdown, launch failure).
    public mutating func fail(_ reason: FailureReason) -> [Action] {
        guard !isFinished else { return [] }
        phase = .failed(reason)
        phaseDeadline = nil
        reconnectDeadline = nil
        return [.failed(reason)]
    }

    /// Fails the gate when a deadline has passed.
    public mutating func tick(now: Date) -> [Action] {
        if let reconnectDeadline, reconnectDeadline <= now { return fail(.disconnected) }
        guard reconnectDeadline == nil, let phaseDeadline, phaseDeadline <= now else { return [] }
        switch phase {
        case .awaitingIdentify: return fail(.identifyTimeout)
        case .awaitingReady: return fail(.readyTimeout)
        case .awaitingReport: return fail(.healthCheckTimeout)
        case .passed, .failed: return []
        }
    }
}
