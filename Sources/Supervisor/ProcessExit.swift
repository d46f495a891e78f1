public import FleetTypes

/// One process that ended: which launch, and how.
public struct ProcessExit: Hashable, Sendable {
    /// The launch record of the process.
    public var record: LaunchRecord
    /// How it ended.
    public var status: TerminationStatus

    /// Creates an exit report.
    public init(record: LaunchRecord, status: TerminationStatus) {
        self.record = record
        self.status = status
    }
}
