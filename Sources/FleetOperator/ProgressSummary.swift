public import AdminAPI
import FleetTypes
import Foundation

/// What `deploy`, `rollback` and the push hook print without `--verbose`: one line per phase and wave, built from
/// the deployment's progress events, and the facts of the closing line (revision, waves, duration, rollbacks).
///
/// A wave gives one line once its instances are handed over (`wave 1/3: shard-0.4 passed its gate (2s), handed
/// over; baking 5m00s`: the time from the wave's start to its last gate passed, in whole seconds as the events carry it); the start, the prepared release, a pause, a promote or abort, the watch and a rollback give
/// one line each, and so does each line of the build's output that the daemon sends; a failure (a gate or an active failing, a release or rollback target failing, a crash loop, a
/// refused connection, a halt) is printed in full, as the daemon wrote it.
public struct ProgressSummary: Sendable {
    /// Clients named one by one in a wave's line; a larger wave is counted.
    static let namedClients = 3

    /// How many waves the rollout has, once known (from the daemon's status).
    public var waves: Int?
    /// The revision, once prepared.
    public private(set) var revision: String?
    /// Waves started so far.
    public private(set) var wavesStarted = 0
    private var wave: (number: Int, instances: Set<Int>, startedAt: Date)?
    private var passed: [(instance: Int, client: String, at: Date)] = []
    private var startedAt: Date?
    private var finishedAt: Date?
    private var rollingBack = false
    private var returned: Set<Int> = []

    /// A summary before any event.
    public init() {}

    /// Takes one event and returns the lines to print for it (often none).
    public mutating func lines(for event: ProgressEvent) -> [String] {
        if startedAt == nil { startedAt = event.time }
        guard event.kind != ProgressEvent.finishedKind else {
            finishedAt = event.time
            revision = event.detail["revision"] ?? revision
            return []
        }
        if event.kind == ProgressEvent.buildOutputKind { return [event.message] }
        switch AuditEvent(kind: event.kind, detail: event.detail) {
        case .releasePrepared(let prepared):
            revision = prepared.rawValue
            return [event.message]
        case .rolloutWave(let number, let instances):
            wave = (number, Set(instances), event.time)
            passed = []
            wavesStarted += 1
            return []
        case .gatePassed:
            if let instance = event.instance, let client = event.client, wave?.instances.contains(instance) == true {
                passed.append((instance, client, event.time))
            }
            return []
        case .rolloutBake(_, let seconds):
            return [waveLine(baking: seconds)]
        case .rollbackStandby, .handoverCommitted:
            if rollingBack, let instance = event.instance { returned.insert(instance) }
            return []
        case .rollbackStarted:
            rollingBack = true
            return [event.message]
        // A phase, or a failure: printed as the daemon wrote it.
        case .deploymentStarted, .releaseFailed, .rolloutPaused, .rolloutWatch, .operatorPromote, .operatorAbort,
             .rollbackTargetReady, .rollbackTargetFailed, .rollbackTargetRejected, .gateFailed, .activeFailed,
             .instanceCrashLoop, .clientRefused, .handoverComaTimeout, .daemonHalted:
            return [event.message]
        case .deploymentQueued, .deploymentReplaced, .deploymentDuplicate, .deploymentRefused,
             .deploymentInterrupted, .deploymentFinished, .launchQueued, .clientLaunch, .clientLaunched,
             .clientConnected, .clientUnmanaged, .clientReadmitted, .clientDisconnected, .clientLost, .clientExited,
             .clientRetired, .clientUnaskedShutdown, .healthReport, .healthProbePassed, .handoverStarted,
             .handoverComaConfirmed, .handoverAbandoned, .rollbackPrepare, .revisionUnmarkedBad,
             .revisionTaggedGood, .revisionNotMarkedBad, .operatorAbortIgnored, .operatorPromoteIgnored, .operatorResume, .channelRefused,
             .repairWanted, .repairClosed, .repairStarted, .repairFinished, .performed, .unrecognized:
            return []
        }
    }

    /// `wave 1/3: shard-0.4 passed its gate (2s), handed over; baking 5m00s`.
    private func waveLine(baking seconds: Double) -> String {
        guard let wave else { return "a wave is handed over" }
        var line = "wave \(wave.number + 1)\(waves.map { "/\($0)" } ?? ""): "
        let clients = passed.sorted { $0.instance < $1.instance }.map(\.client)
        switch clients.count {
        case 0: line += "handed over"
        case 1: line += "\(clients[0]) passed its gate"
        case ...Self.namedClients: line += "\(clients.joined(separator: ", ")) passed their gates"
        default: line += "\(clients.count) clients passed their gates"
        }
        if let last = passed.map(\.at).max() {
            line += " (\(ElapsedText.duration(last.timeIntervalSince(wave.startedAt)))), handed over"
        }
        if seconds > 0 { line += "; baking \(ElapsedText.duration(seconds))" }
        return line
    }

    /// The facts of the closing line: `1a2b3c4d5e6f, 3/3 waves, 2m05s, 2 instances rolled back`.
    public var facts: String {
        var parts: [String] = []
        if let revision { parts.append(StatusTable.shortID(revision)) }
        if wavesStarted > 0 {
            parts.append(waves.map { "\(wavesStarted)/\($0) waves" } ?? "\(wavesStarted) wave\(wavesStarted == 1 ? "" : "s")")
        }
        if let startedAt, let finishedAt { parts.append(ElapsedText.duration(finishedAt.timeIntervalSince(startedAt))) }
        if !returned.isEmpty {
            parts.append("\(returned.count) instance\(returned.count == 1 ? "" : "s") rolled back")
        }
        return parts.joined(separator: ", ")
    }
}
