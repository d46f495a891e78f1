import AdminAPI
import Deployer
import FleetTypes
import Logging
import Synchronization

/// Tells the engine, and the log at WARNING, about connections the channel turned away, rate-limited so that a
/// flood costs a handful of events and lines: per cause at most one report per ``interval``; the refusals in
/// between are folded into the next report (its `count`, with the particulars of the latest).
final class RefusalReporter: Sendable {
    /// At most one report per cause per this long.
    static let interval: Duration = .seconds(1)

    private struct Window {
        var lastReport: ContinuousClock.Instant?
        /// Refusals not reported yet, folded: the latest one with the count of all.
        var pending: ConnectionRefusal?
    }

    private let driver: DriverReference
    private let work: DaemonWork
    private let logger: Logger
    private let windows = Mutex<[ConnectionRefusal.Cause: Window]>([:])

    init(driver: DriverReference, work: DaemonWork, logger: Logger) {
        self.driver = driver
        self.work = work
        self.logger = logger
    }

    /// Records one refusal: reported at once when its cause had no report in the last ``interval``, otherwise
    /// folded into the report at the end of that interval.
    func record(_ refusal: ConnectionRefusal) {
        let refusal = Self.printable(refusal)
        let now = ContinuousClock.now
        enum Next { case reportNow, reportAt(ContinuousClock.Instant), folded }
        let next = windows.withLock { windows -> Next in
            var window = windows[refusal.cause, default: Window()]
            defer { windows[refusal.cause] = window }
            if let pending = window.pending {
                window.pending = Self.folding(refusal, into: pending)
                return .folded
            }
            if let last = window.lastReport, now < last + Self.interval {
                window.pending = refusal
                return .reportAt(last + Self.interval)
            }
            window.lastReport = now
            return .reportNow
        }
        switch next {
        case .reportNow:
            work.start { [self] in await report(refusal) }
        case .reportAt(let deadline):
            work.start { [self] in
                try? await Task.sleep(until: deadline)
                await reportPending(of: refusal.cause)
            }
        case .folded:
            break
        }
    }

    /// The longest claimed client id or reason kept, in characters.
    static let textLimit = 300

    /// The refusal with what a peer chose (the claimed client id, inside the reason too) made safe for the log, the
    /// audit trail and a terminal: control characters and bidirectional overrides replaced by `?`, cut to
    /// ``textLimit`` characters.
    static func printable(_ refusal: ConnectionRefusal) -> ConnectionRefusal {
        func clean(_ text: String) -> String {
            let safe = TerminalText.sanitized(text)
            return safe.count > textLimit ? String(safe.prefix(textLimit)) + "..." : safe
        }
        var printable = refusal
        printable.why = clean(refusal.why)
        printable.peer = clean(refusal.peer)
        printable.client = refusal.client.map { ClientID(rawValue: clean($0.rawValue)) }
        return printable
    }

    private static func folding(_ refusal: ConnectionRefusal, into pending: ConnectionRefusal) -> ConnectionRefusal {
        var folded = refusal
        folded.count = pending.count + refusal.count
        return folded
    }

    private func reportPending(of cause: ConnectionRefusal.Cause) async {
        let pending = windows.withLock { windows -> ConnectionRefusal? in
            guard let pending = windows[cause]?.pending else { return nil }
            windows[cause] = Window(lastReport: .now, pending: nil)
            return pending
        }
        if let pending { await report(pending) }
    }

    private func report(_ refusal: ConnectionRefusal) async {
        var metadata: Logger.Metadata = ["peer": "\(refusal.peer)", "why": "\(refusal.why)", "cause": "\(refusal.cause.rawValue)"]
        if let client = refusal.client { metadata["client"] = "\(client)" }
        if refusal.count > 1 { metadata["count"] = "\(refusal.count)" }
        let what = refusal.cause == .shedding ? "channel shedding sessions" : "channel connection refused"
        logger.warning("\(what): \(refusal.why) (peer \(refusal.peer)\(refusal.count > 1 ? ", \(refusal.count) times" : ""))",
                       metadata: metadata)
        do {
            _ = try await driver.submit(.connectionRefused(refusal))
        } catch {
            logger.error("could not record a connection refusal", metadata: ["error": "\(error)"])
        }
    }
}
