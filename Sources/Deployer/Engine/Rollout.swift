import FleetTypes
import Foundation

/// The running deployment: its record, its phase, and what it touched.
struct Rollout: Hashable, Sendable {
    enum Phase: Hashable, Sendable {
        /// The release step runs.
        case preparing
        /// The current wave's candidates are launched, gated and handed over.
        case gating
        /// The current wave is watched until then.
        case baking(until: Date)
        /// The whole fleet is watched until then.
        case watching(until: Date)
        /// Held after the canary's bake until `promote` (`[rollout] pause_after_canary`); still watched.
        case paused
        /// Undoing: see ``RollbackPlan``.
        case rollingBack
    }

    var record: DeploymentRecord
    var phase: Phase = .preparing
    var waves: [[Int]] = []
    var wave = 0
    /// Instances whose candidate was launched by this deployment.
    var touched: Set<Int> = []
    /// The revision each instance's active ran when the rollout started.
    var servingBefore: [Int: Revision] = [:]
    /// Skip the remaining bake and watch.
    var promoted = false
    /// An operator approved the rollout held after its canary (`pause_after_canary`).
    var approved = false
    var rollback: RollbackPlan?

    var revision: Revision? { record.revision }

    /// Whether the rollout still moves forward (so its new actives are watched).
    var isAdvancing: Bool {
        switch phase {
        case .gating, .baking, .watching, .paused: true
        case .preparing, .rollingBack: false
        }
    }
}

/// How a failed or aborted rollout is undone.
struct RollbackPlan: Hashable, Sendable {
    /// `rolled-back` or `aborted`.
    var outcome: DeploymentOutcome
    /// Why.
    var reason: String
    /// The revision being removed.
    var undoing: Revision
    /// Good revisions to try for instances without a standby, best first (at most `max_rollback_depth`).
    var targets: [Revision]
    var targetIndex = 0
    /// The current target, once its release is prepared.
    var readyTarget: Revision?
    /// Its release step runs.
    var preparing = false
    /// No target is left: the daemon halts and keeps what still serves.
    var exhausted: Bool { targetIndex >= targets.count }
}
