import Deployer
import FleetTypes
import Supervisor
import Synchronization

/// The bot clients the daemon's launcher launched or adopted, by client id, with their launch records persisted.
final class RunningProcesses: Sendable {
    private let processes = Mutex<[ClientID: any LaunchedClient]>([:])
    private let records: LaunchRecordStore
    /// The policy of every client's log, launched or adopted.
    let logs: ClientLogPolicy

    init(records: LaunchRecordStore, logs: ClientLogPolicy) {
        self.records = records
        self.logs = logs
    }

    /// Keeps a process; its record is stored with the engine's step that hears of the launch (``recordRows(of:)``).
    func keep(_ process: any LaunchedClient, as client: ClientID) {
        processes.withLock { $0[client] = process }
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
        processes.withLock { $0[client] }
    }

    /// Forgets the processes of `clients` after their exits (their records in one transaction).
    func remove(_ clients: [ClientID]) async throws {
        processes.withLock { processes in
            for client in clients { processes.removeValue(forKey: client) }
        }
        try await records.remove(clientIDs: clients.map(\.rawValue))
    }

    /// Every process, by client id.
    func all() -> [(client: ClientID, process: any LaunchedClient)] {
        processes.withLock { $0.map { ($0.key, $0.value) } }
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
                processes.withLock { $0[client] = process }
                adopted.append(client)
            } else {
                try await records.remove(clientIDs: [record.clientID])
                gone.append(client)
            }
        }
        return (adopted, gone)
    }
}
