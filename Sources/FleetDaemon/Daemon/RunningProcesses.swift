import Deployer
import FleetTypes
import Supervisor
import Synchronization

/// The bot clients the daemon's launcher launched or adopted, by client id, with their launch records persisted,
/// and their latest usage readings.
final class RunningProcesses: Sendable {
    /// The processes, and the latest usage reading of each (``usage(of:now:)``), changed together.
    private struct Kept {
        var processes: [ClientID: any LaunchedClient] = [:]
        var readings: [ClientID: UsageReading] = [:]

        mutating func keep(_ process: any LaunchedClient, as client: ClientID) {
            processes[client] = process
            readings[client] = nil
        }
    }

    private let kept = Mutex(Kept())
    private let records: LaunchRecordStore
    /// The policy of every client's log, launched or adopted.
    let logs: ClientLogPolicy

    init(records: LaunchRecordStore, logs: ClientLogPolicy) {
        self.records = records
        self.logs = logs
    }

    /// Keeps a process; its record is stored with the engine's step that hears of the launch (``recordRows(of:)``).
    func keep(_ process: any LaunchedClient, as client: ClientID) {
        kept.withLock { $0.keep(process, as: client) }
    }

    /// The write of `process`'s launch record, for the transaction of the `launched` step.
    func recordRows(of process: any LaunchedClient) throws -> StepRows {
        try records.rows(for: process.record)
    }

    /// Stores a launch record's rows in a transaction of their own (no driver takes events any more).
    func save(_ rows: @escaping StepRows) async throws {
        try await records.save(rows)
    }

    /// The process of `client`, if it runs.
    func process(of client: ClientID) -> (any LaunchedClient)? {
        kept.withLock { $0.processes[client] }
    }

    /// What the process of `client` uses (``LaunchedClient/usage()``), read again only once the last reading is
    /// ``usageMaxAge`` old; nil when it does not run or its usage is unknown.
    ///
    /// `status` (and so `/metrics`, the web page's stream) answers every client's memory and CPU time, and reading
    /// them from `/proc` was a third of a status answer's CPU at 200 shards (4.2 ms an answer with the fleet idle),
    /// paid again by every poller each time: a figure a second old is as good as `top`'s.
    func usage(of client: ClientID, now: ContinuousClock.Instant = .now) async -> ProcessUsage? {
        let (process, reading) = kept.withLock { ($0.processes[client], $0.readings[client]) }
        guard let process else { return nil }
        if let reading, reading.at.duration(to: now) < Self.usageMaxAge { return reading.usage }
        let usage = await process.usage()
        kept.withLock { kept in
            // Not for a process removed (or replaced) while it was read: the reading would outlive it.
            if kept.processes[client] === process { kept.readings[client] = UsageReading(usage: usage, at: now) }
        }
        return usage
    }

    /// How long a usage reading is answered again (``usage(of:now:)``).
    static let usageMaxAge = Duration.seconds(1)

    /// Whether a usage reading of `client` is kept (for tests).
    func holdsUsageReading(of client: ClientID) -> Bool {
        kept.withLock { $0.readings[client] != nil }
    }

    /// Forgets the processes of `clients` after their exits (their records in one transaction).
    func remove(_ clients: [ClientID]) async throws {
        kept.withLock { kept in
            for client in clients {
                kept.processes.removeValue(forKey: client)
                kept.readings.removeValue(forKey: client)
            }
        }
        try await records.remove(clientIDs: clients.map(\.rawValue))
    }

    /// Every process, by client id.
    func all() -> [(client: ClientID, process: any LaunchedClient)] {
        kept.withLock { $0.processes.map { ($0.key, $0.value) } }
    }

    /// `recovered` with each client's pid and start time read from its launch record: the one place they are stored
    /// (the engine's `clients` table does not keep them); `nil` for a client without a record.
    func withProcessIdentities(_ recovered: RecoveredState) throws -> RecoveredState {
        let records = Dictionary(try records.all().map { ($0.clientID, $0) }, uniquingKeysWith: { _, last in last })
        var recovered = recovered
        for index in recovered.clients.indices {
            let record = records[recovered.clients[index].client.rawValue]
            recovered.clients[index].pid = record?.pid
            recovered.clients[index].startTime = record?.startTicks
        }
        return recovered
    }

    /// Adopts the clients of an earlier daemon that still run (the launcher decides: a local process by its pid,
    /// start time and boot, so that a recycled pid is never adopted); forgets the others. Each adopted client's log
    /// is kept with the policy of its launch (``ClientLogPolicy``): a client whose output the daemon forwards (a
    /// Swarm service's) has it redacted as before the restart.
    /// - Returns: the clients adopted, and the clients that are gone.
    func adoptSurvivors(with launcher: any ProcessLauncher) async throws -> (adopted: [ClientID], gone: [ClientID]) {
        var adopted: [ClientID] = []
        var gone: [ClientID] = []
        for record in try records.all() {
            let client = ClientID(rawValue: record.clientID)
            if let process = try await launcher.adopt(record, log: logs.policy(for: client, path: record.logPath)) {
                kept.withLock { $0.keep(process, as: client) }
                adopted.append(client)
            } else {
                try await records.remove(clientIDs: [record.clientID])
                gone.append(client)
            }
        }
        return (adopted, gone)
    }
}

/// A usage reading of a process and when it was read.
private struct UsageReading: Sendable {
    let usage: ProcessUsage?
    let at: ContinuousClock.Instant
}
