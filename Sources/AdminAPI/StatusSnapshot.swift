public import FleetTypes
public import Foundation

/// The `status --json` document (ARCHITECTURE.md, "CLI"; docs/admin-api.md, `GET /v1/status`): what the daemon
/// answers and the CLI reads. Encode with ``StatusSnapshot/encoder``.
///
/// A contract: keys may be added, never removed or renamed. The daemon builds it from the engine's status and what
/// it knows of each client (heartbeat, process, where it runs), in one place (`StatusSnapshot+Engine` in
/// `FleetDaemon`).
public struct StatusSnapshot: Hashable, Sendable, Codable {
    /// `idle`, `deploying` or `halted`.
    public enum State: String, Hashable, Sendable, Codable {
        /// Nothing runs.
        case idle
        /// A deployment runs.
        case deploying
        /// Automatic deployments are refused until `resume`.
        case halted
    }

    /// The newest good tag.
    public struct LastGood: Hashable, Sendable, Codable {
        /// Its revision.
        public var revision: Revision
        /// Its name.
        public var tag: String

        /// The tag `tag` on `revision`.
        package init(revision: Revision, tag: String) {
            self.revision = revision
            self.tag = tag
        }
    }

    /// The running deployment.
    public struct Deployment: Hashable, Sendable, Codable {
        /// Its id.
        public var id: Int
        /// Its revision, once resolved.
        public var revision: Revision?
        /// The ref asked for.
        public var ref: String?
        /// What asked.
        public var trigger: Trigger
        /// `preparing`, `canary`, `batch`, `bake`, `paused`, `watch` or `rollback`.
        public var phase: String
        /// The current wave, from 0.
        public var wave: Int
        /// How many waves.
        public var waves: Int
        /// When the bake or watch ends.
        public var phaseEndsAt: Date?
        /// When it started.
        public var startedAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, revision, ref, trigger, phase, wave, waves
            case phaseEndsAt = "phase_ends_at", startedAt = "started_at"
        }

        /// A deployment from its parts.
        package init(
            id: Int, revision: Revision?, ref: String?, trigger: Trigger, phase: String, wave: Int, waves: Int,
            phaseEndsAt: Date?, startedAt: Date?
        ) {
            self.id = id
            self.revision = revision
            self.ref = ref
            self.trigger = trigger
            self.phase = phase
            self.wave = wave
            self.waves = waves
            self.phaseEndsAt = phaseEndsAt
            self.startedAt = startedAt
        }
    }

    /// One client of an instance.
    public struct Client: Hashable, Sendable, Codable {
        /// Its id.
        public var client: ClientID
        /// Its revision.
        public var revision: Revision
        /// Its process id on this machine; `nil` without a local process of ours (an unmanaged client, or one the
        /// swarm launcher runs: see ``container``).
        public var pid: Int32?
        /// `serving`, `unconfirmed`, `reconnecting`, `standby`, `identifying`, `awaiting-ready`, `health-check`,
        /// `handover`, `disconnected`, ...
        public var state: String
        /// The newest epoch it was told.
        public var epoch: Int
        /// Since when it holds its role.
        public var since: Date
        /// Its latest `heartbeat` while it is connected; `nil` before its first one.
        public var heartbeat: Heartbeat? = nil
        /// For an active that has not identified to this daemon yet (state `unconfirmed` or `reconnecting`, after
        /// a daemon restart or a reconnect): when it is replaced if it stays silent. `nil` once it identified.
        public var confirmBy: Date? = nil
        /// On the active: how many times its instance was relaunched for a reason other than a deployment (restarts
        /// after an exit, repairs) since the active's revision went live there; `nil` on a standby or candidate.
        public var restarts: Int? = nil
        /// Its process's resident memory, as its launcher reads it; `nil` when it cannot.
        public var rssBytes: Int? = nil
        /// Its process's user and system CPU time, as its launcher reads it.
        public var cpuSeconds: Double? = nil
        /// When the daemon launched its process (wall clock, from the launch record); `nil` without a process of ours.
        public var launchedAt: Date? = nil
        /// The node it runs on (a Swarm node's host name, else its id); `nil`, and absent from the document, for a
        /// local process.
        public var node: String? = nil
        /// Its Swarm task's id; `nil`, and absent from the document, for a local process.
        public var task: String? = nil
        /// Its container's id; `nil`, and absent from the document, for a local process.
        public var container: String? = nil

        enum CodingKeys: String, CodingKey {
            case client, revision, pid, state, epoch, since, heartbeat, confirmBy = "confirm_by", restarts
            case rssBytes = "rss_bytes", cpuSeconds = "cpu_seconds", launchedAt = "launched_at"
            case node, task, container
        }

        /// A client as the engine sees it; the daemon adds the rest.
        package init(
            client: ClientID, revision: Revision, pid: Int32?, state: String, epoch: Int, since: Date,
            confirmBy: Date?, restarts: Int?
        ) {
            self.client = client
            self.revision = revision
            self.pid = pid
            self.state = state
            self.epoch = epoch
            self.since = since
            self.confirmBy = confirmBy
            self.restarts = restarts
        }

        /// Encodes every key, `null` included (an unmanaged client has no pid of ours), but `node`, `task` and
        /// `container` only for a client an orchestrator runs: a local fleet's document stays as it always was.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(client, forKey: .client)
            try container.encode(revision, forKey: .revision)
            try container.encode(pid, forKey: .pid)
            try container.encode(state, forKey: .state)
            try container.encode(epoch, forKey: .epoch)
            try container.encode(since, forKey: .since)
            try container.encode(heartbeat, forKey: .heartbeat)
            try container.encode(confirmBy, forKey: .confirmBy)
            try container.encode(restarts, forKey: .restarts)
            try container.encode(rssBytes, forKey: .rssBytes)
            try container.encode(cpuSeconds, forKey: .cpuSeconds)
            try container.encode(launchedAt, forKey: .launchedAt)
            try container.encodeIfPresent(node, forKey: .node)
            try container.encodeIfPresent(task, forKey: .task)
            try container.encodeIfPresent(self.container, forKey: .container)
        }
    }

    /// One instance.
    public struct Instance: Hashable, Sendable, Codable {
        /// Its number.
        public var instance: Int
        /// Its epoch.
        public var epoch: Int
        /// The active client.
        public var active: Client?
        /// The standby client.
        public var standby: Client?
        /// The candidate client.
        public var candidate: Client?

        /// An instance from its parts.
        package init(instance: Int, epoch: Int, active: Client?, standby: Client?, candidate: Client?) {
            self.instance = instance
            self.epoch = epoch
            self.active = active
            self.standby = standby
            self.candidate = candidate
        }

        /// Encodes every key, `null` included: `status --json` is a stable interface.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(instance, forKey: .instance)
            try container.encode(epoch, forKey: .epoch)
            try container.encode(active, forKey: .active)
            try container.encode(standby, forKey: .standby)
            try container.encode(candidate, forKey: .candidate)
        }
    }

    /// `idle`, `deploying` or `halted`.
    public var state: State
    /// Why it is halted.
    public var haltReason: String?
    /// The revision the whole fleet is active on; `nil` when mixed.
    public var revision: Revision?
    /// The newest good tag.
    public var lastGood: LastGood?
    /// The running deployment.
    public var deployment: Deployment?
    /// Every instance.
    public var instances: [Instance]
    /// The revisions marked bad, newest mark first (`[]` when none).
    public var bad: [Bad] = []
    /// Why the state store cannot be written, while it cannot; `nil` while it works.
    public var storeError: StoreError? = nil

    enum CodingKeys: String, CodingKey {
        case state, haltReason = "halt_reason", revision, lastGood = "last_good", deployment, instances, bad
        case storeError = "store_error"
    }

    /// A document from its parts.
    package init(
        state: State, haltReason: String?, revision: Revision?, lastGood: LastGood?, deployment: Deployment?,
        instances: [Instance], bad: [Bad], storeError: StoreError?
    ) {
        self.state = state
        self.haltReason = haltReason
        self.revision = revision
        self.lastGood = lastGood
        self.deployment = deployment
        self.instances = instances
        self.bad = bad
        self.storeError = storeError
    }

    /// Encodes every key, `null` included, with ISO 8601 dates.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(haltReason, forKey: .haltReason)
        try container.encode(revision, forKey: .revision)
        try container.encode(lastGood, forKey: .lastGood)
        try container.encode(deployment, forKey: .deployment)
        try container.encode(instances, forKey: .instances)
        try container.encode(bad, forKey: .bad)
        try container.encode(storeError, forKey: .storeError)
    }

    /// A JSON encoder for the stable interface: ISO 8601 dates, sorted keys.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension StatusSnapshot {
    /// Decodes a snapshot; `bad` and `store_error` may be missing (a daemon from before they were added): then
    /// none is known.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        state = try container.decode(State.self, forKey: .state)
        haltReason = try container.decodeIfPresent(String.self, forKey: .haltReason)
        revision = try container.decodeIfPresent(Revision.self, forKey: .revision)
        lastGood = try container.decodeIfPresent(LastGood.self, forKey: .lastGood)
        deployment = try container.decodeIfPresent(Deployment.self, forKey: .deployment)
        instances = try container.decode([Instance].self, forKey: .instances)
        bad = try container.decodeIfPresent([Bad].self, forKey: .bad) ?? []
        storeError = try container.decodeIfPresent(StoreError.self, forKey: .storeError)
    }
}
