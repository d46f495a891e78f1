import AdminAPI
import FleetTypes
import Foundation
import Synchronization

/// Follows a deployment for `deploy` and `rollback`: prints its progress (one line per phase and wave, see
/// ``ProgressSummary``, or every event with `verbose`; on a terminal also a redrawn status line with the bake time
/// left from the daemon's status) and returns how it ended.
public struct DeploymentFollower: Sendable {
    /// How a followed deployment ended.
    public struct Result: Sendable, Equatable {
        /// `succeeded`, `rolled-back`, `aborted`, `failed`.
        public var outcome: String
        /// Why, when it did not succeed.
        public var reason: String?
        /// The client whose failure ended it, when one is known (`shard-0.3`).
        public var failedClient: String?
        /// The failing client's instance.
        public var failedInstance: Int?
        /// The end of the failing client's log.
        public var logTail: String?
        /// The facts of the closing line (``ProgressSummary/facts``): revision, waves, duration, rollbacks.
        public var facts = ""
        /// Whether it succeeded.
        public var succeeded: Bool { outcome == DeploymentOutcome.succeeded.rawValue }

        /// What `deploy` and `rollback` print last: the end of the failing client's log when there is one, then
        /// `deployment #7 rolled-back (1a2b3c4d5e6f, 1/3 waves, 45s, 1 instance rolled back): <reason>` (the
        /// parenthesis when facts are known; `deployment #7 succeeded (...)` without a reason).
        public func closingText(deployment id: Int) -> String {
            let heading = "deployment #\(id) \(outcome)" + (facts.isEmpty ? "" : " (\(facts))")
            if succeeded { return heading + "\n" }
            var text = ""
            if let logTail, let failedClient {
                let lines = logTail.split(separator: "\n", omittingEmptySubsequences: false)
                let shown = lines.last == "" ? lines.dropLast() : lines[...]
                text += "the last \(shown.count) lines of the log of \(failedClient)"
                    + "\(failedInstance.map { " (instance \($0))" } ?? ""):\n"
                text += shown.map { "  | \($0)\n" }.joined()
            }
            return text + heading + ": \(reason ?? "no reason given")\n"
        }
    }

    private let client: AdminClient
    private let terminal: Bool
    private let verbose: Bool
    private let write: @Sendable (String) -> Void

    /// A follower asking `client`, writing to `write` one line per phase and wave (every event's message when
    /// `verbose`), redrawing a status line when `terminal`.
    public init(client: AdminClient, terminal: Bool, verbose: Bool, write: @escaping @Sendable (String) -> Void) {
        self.client = client
        self.terminal = terminal
        self.verbose = verbose
        self.write = write
    }

    /// Follows deployment `id` until it is finished.
    ///
    /// - Throws: ``AdminClientError`` when the daemon cannot be asked, or stops streaming before the end.
    public func follow(deployment id: Int) async throws -> Result {
        let display = SharedDisplay(ProgressDisplay(deployment: id))
        let events = try await client.events(deployment: id, follow: true)
        var finished: ProgressEvent?
        var summary = ProgressSummary()
        try await withThrowingTaskGroup(of: Void.self) { group in
            if terminal {
                group.addTask { try await redraw(display) }
            }
            defer { group.cancelAll() }
            for try await event in events {
                if case .rolloutWave = AuditEvent(kind: event.kind, detail: event.detail), summary.waves == nil {
                    summary.waves = await waves(of: id, display: display)
                }
                let summaryLines = summary.lines(for: event)
                let printed = (verbose ? [ProgressDisplay.plainLine(event)] : summaryLines).map { $0 + "\n" }.joined()
                let line = display.state.withLock { display in
                    display.apply(event)
                    return display.statusLine(now: Date())
                }
                write(terminal ? "\r\u{1B}[2K\(printed)\(line)" : printed)
                if event.kind == ProgressEvent.finishedKind {
                    finished = event
                    break
                }
            }
        }
        if terminal { write("\n") }
        let shown = display.state.withLock { $0 }
        if let outcome = shown.outcome {
            return Result(outcome: outcome, reason: shown.reason, failedClient: finished?.client,
                          failedInstance: finished?.instance, logTail: finished?.logTail, facts: summary.facts)
        }
        let entry = try await client.deployment(id: id)
        guard entry.outcome.isTerminal else {
            throw AdminClientError(code: .failed, message: "the daemon stopped streaming deployment \(id) while it was \(entry.outcome.rawValue); "
                + "see `urban-robot status` and `urban-robot history`")
        }
        return Result(outcome: entry.outcome.rawValue, reason: entry.reason)
    }

    /// How many waves deployment `id` has, from the daemon's status while it runs (which the display takes too);
    /// `nil` when it cannot be asked or no longer runs.
    private func waves(of id: Int, display: SharedDisplay) async -> Int? {
        guard let status = try? await client.status(), let running = status.deployment, running.id == id else { return nil }
        display.state.withLock { $0.apply(status: status) }
        return running.waves
    }

    /// Redraws the status line every second, reading the daemon's status every other second.
    private func redraw(_ display: SharedDisplay) async throws {
        var tick = 0
        while true {
            try await Task.sleep(for: .seconds(1))
            tick += 1
            if tick % 2 == 0, let status = try? await client.status() {
                display.state.withLock { $0.apply(status: status) }
            }
            write("\r\u{1B}[2K" + display.state.withLock { $0.statusLine(now: Date()) })
        }
    }
}

/// The display both the event loop and the redraw task update.
private final class SharedDisplay: Sendable {
    let state: Mutex<ProgressDisplay>

    init(_ display: ProgressDisplay) {
        state = Mutex(display)
    }
}
