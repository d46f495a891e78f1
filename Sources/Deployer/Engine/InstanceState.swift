import FleetTypes
import Foundation

/// One instance (shard) of the fleet: its clients by role, its epoch, its pending work.
struct InstanceState: Hashable, Sendable {
    let index: Int
    /// Grows by one every time the active client changes (or is told to resume).
    var epoch: Int
    /// The number of the last launch, for client ids.
    var launches: Int
    /// Relaunches for a reason other than a deployment (restarts after an exit, repairs) since the active's revision
    /// went live here (a rollout's or rollback's handover sets it back to 0).
    var restarts = 0
    var active: ClientID?
    var standby: ClientID?
    var candidate: ClientID?
    var pending: PendingLaunch?
    var handover: Handover?
    /// Recent exits of its active (and failed restarts), for backoff and crash-loop detection.
    var exits: [Date] = []

    /// Whether nothing is in flight: no launch waiting, no candidate, no handover.
    var isSettled: Bool { pending == nil && candidate == nil && handover == nil }

    /// When its handover's old active is overdue with `coma`, if a handover waits for it.
    var comaDeadline: Date? { handover?.comaDeadline }

    /// When its pending launch may start (before pacing), if one waits and no candidate is in flight.
    var launchDue: Date? { candidate == nil ? pending?.notBefore : nil }
}

/// The replacement of an unconfirmed active (it did not identify to this daemon in time) through the normal
/// path: a new client of the same revision is launched, gated and handed over to while the old one keeps serving.
struct Repair: Hashable, Sendable {
    /// The active being replaced.
    var old: ClientID
    /// Why, for people: `shard-0.3 did not identify within 30 s after a daemon restart`.
    var reason: String
    /// Replacements tried so far.
    var attempts = 0
    /// The history row of the attempt in flight.
    var record: DeploymentRecord?
    /// No attempt starts before then (backoff after a failed one).
    var notBefore: Date
}

/// A launch waiting for its time (backoff) and for a pacing slot.
struct PendingLaunch: Hashable, Sendable {
    var revision: Revision
    var purpose: LaunchPurpose
    var notBefore: Date
    /// Orders launches first come, first served.
    var sequence: Int
}

/// A fenced handover within one instance: coma to the old active, then `process_commands` to the candidate.
struct Handover: Hashable, Sendable {
    /// The client that takes over (a gated candidate, or a standby coming back).
    var candidate: ClientID
    /// The active being replaced, if any.
    var old: ClientID?
    /// The epoch the candidate gets.
    var epoch: Int
    /// Why (`rollout`, `rollback`, `restart`).
    var reason: String
    /// Whether the old active stays as a standby.
    var keepOldAsStandby: Bool
    var startedAt: Date
    /// When `coma` was sent to the old active; `nil` when it could not be (then it is stopped instead).
    var comaSentAt: Date?
    /// When the old active's `coma` is overdue.
    var comaDeadline: Date?
    /// When the old active stopped processing (confirmed, timed out, or exited).
    var oldStoppedAt: Date?
}

/// Paces launches: at most `maxConcurrency` per `identifySpacing`.
struct LaunchPacer: Hashable, Sendable {
    let maxConcurrency: Int
    let spacing: Duration
    /// The launches of the last `spacing`, oldest first (the engine's time never goes back).
    private(set) var recent: [Date] = []

    init(maxConcurrency: Int, spacing: Duration) {
        self.maxConcurrency = max(1, maxConcurrency)
        self.spacing = spacing
    }

    /// The earliest time a launch may happen, at or after `now`: when the `maxConcurrency`-th latest launch is
    /// within the last `spacing` (so are the later ones), the end of its `spacing`. Read without copying `recent`:
    /// the engine asks after every step, and before each launch of a wave.
    func nextSlot(after now: Date) -> Date {
        guard recent.count >= maxConcurrency else { return now }
        let slotFrees = recent[recent.count - maxConcurrency].adding(spacing)
        return slotFrees > now ? slotFrees : now
    }

    /// Notes a launch at `now`.
    mutating func record(_ now: Date) {
        recent.removeAll { $0.adding(spacing) <= now }
        recent.append(now)
    }
}
