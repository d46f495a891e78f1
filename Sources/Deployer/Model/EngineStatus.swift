public import FleetTypes
public import Foundation

/// What the engine knows of the fleet at one step, as plain values: the daemon turns it into the `status --json`
/// document (AdminAPI's `StatusSnapshot`), adding what only it knows (heartbeats, where and how each process runs).
public struct EngineStatus: Hashable, Sendable {
    /// Whether a deployment runs, and whether automatic ones are refused.
    public enum State: String, Hashable, Sendable {
        /// No deployment runs.
        case idle
        /// A deployment runs.
        case deploying
        /// Automatic deployments are refused until `resume`.
        case halted
    }

    /// The running deployment: its record (id, ref, trigger, start) and where its rollout stands.
    public struct Deployment: Hashable, Sendable {
        /// The deployment's row.
        public var record: DeploymentRecord
        /// The revision the ref resolved to; `nil` while it is being prepared.
        public var revision: Revision?
        /// The rollout's phase: `preparing`, `canary`, `batch`, `bake`, `watch`, `paused` or `rollback`.
        public var phase: String
        /// The wave being rolled out, counted from 0.
        public var wave: Int
        /// The rollout's wave count.
        public var waves: Int
        /// The end of the bake or watch on the wall clock; `nil` in other phases.
        public var phaseEndsAt: Date?
    }

    /// A client in a role of its instance.
    public struct Client: Hashable, Sendable {
        /// Its id.
        public var id: ClientID
        /// On which revision.
        public var revision: Revision
        /// The process id its launch reported, when the engine was told one.
        public var pid: Int32?
        /// Where its gate or role stands (`serving`, `standby`, `health-check`, ...).
        public var state: String
        /// The last epoch sent to it.
        public var epoch: Int
        /// When it took its role.
        public var since: Date
        /// When a silent active is replaced (wall clock); `nil` once it identified.
        public var confirmBy: Date?
        /// The active's relaunches since its revision went live there; `nil` on a standby or candidate.
        public var restarts: Int?
    }

    /// One instance and its clients by role.
    public struct Instance: Hashable, Sendable {
        /// Its number.
        public var instance: Int
        /// Its epoch.
        public var epoch: Int
        /// The client processing commands.
        public var active: Client?
        /// The previous active, kept in `coma`.
        public var standby: Client?
        /// The client being gated.
        public var candidate: Client?
    }

    /// The state.
    public var state: State
    /// Why deployments are halted.
    public var haltReason: String?
    /// The revision every instance's active runs; `nil` when mixed.
    public var revision: Revision?
    /// The newest good tag.
    public var lastGood: GoodTag?
    /// The running deployment.
    public var deployment: Deployment?
    /// Every instance, by number.
    public var instances: [Instance]
    /// The revisions marked bad, newest mark first.
    public var bad: [BadRevision]
    /// Why the state store cannot be written, while it cannot (the driver fills it in).
    public var storeError: StoreOutage? = nil
}
