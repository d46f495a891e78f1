public import AdminAPI
import FleetTypes

/// The decisions of `source.poll`, without I/O: which fetched tips to deploy.
///
/// A tip is asked for once: when it differs from the last tip seen, from the revision the whole
/// fleet is active on and from the running deployment's. A refused request (a bad revision, halted)
/// marks the tip seen too, so it is neither asked for nor logged again every interval; a failed
/// request does not, so it is retried at the next interval.
public struct SourcePollState: Sendable, Equatable {
    /// What to do with a fetched tip.
    public enum Step: Sendable, Equatable {
        /// Ask for a `poll` deployment of this revision.
        case deploy(String)
        /// Nothing: the tip is known.
        case nothing
    }

    /// The last tip asked for, refused or found already deployed.
    public private(set) var lastSeen: String?

    /// A state that has seen no tip.
    public init() {}

    /// Decides for a fetched `tip`, given the daemon's status.
    public mutating func tipFetched(_ tip: String, status: StatusSnapshot) -> Step {
        guard tip != lastSeen else { return .nothing }
        let running = status.deployment.map { [$0.revision?.rawValue, $0.ref] } ?? []
        if status.revision?.rawValue == tip || running.contains(tip) {
            lastSeen = tip
            return .nothing
        }
        return .deploy(tip)
    }

    /// The deployment of `tip` was queued.
    public mutating func requested(_ tip: String) {
        lastSeen = tip
    }

    /// The deployment of `tip` was refused; true when this is news worth logging (the first refusal of this tip).
    public mutating func refused(_ tip: String) -> Bool {
        defer { lastSeen = tip }
        return lastSeen != tip
    }
}
