import Deployer
import Foundation
import GRDB
import Supervisor

/// The Supervisor's ``LaunchRecord``s of the running bot processes, in the table `launch_records` of
/// `state.sqlite` (beside the Deployer's tables; created here with `CREATE TABLE IF NOT EXISTS`, outside the
/// Deployer's migrations, so that the two modules never depend on each other's schema). A restarted daemon
/// reads them to adopt the processes that still run.
final class LaunchRecordStore: Sendable {
    private let database: any DatabaseWriter

    /// Keeps the records through `database` (the state store's writer: ``DeployerStore/writer``), creating the
    /// table if needed.
    init(database: any DatabaseWriter) throws {
        self.database = database
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS launch_records (
                    client_id TEXT PRIMARY KEY NOT NULL,
                    record TEXT NOT NULL
                )
                """)
        }
    }

    /// The write that stores (or replaces) the record of a launched process, for the transaction of the engine's
    /// step that hears of the launch (``DeployerDriver/submit(_:storing:)``); the record is encoded here, before.
    func rows(for record: LaunchRecord) throws -> StepRows {
        let text = try record.jsonText()
        let clientID = record.clientID
        return { db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO launch_records (client_id, record) VALUES (?, ?)")
                .execute(arguments: [clientID, text])
        }
    }

    /// Stores `rows` in a transaction of their own (when no engine step takes them). The calling task waits for
    /// the writer without holding a thread of the cooperative pool.
    func save(_ rows: @escaping StepRows) async throws {
        try await database.write { db in try rows(db) }
    }

    /// Forgets the records of processes that exited, in one transaction (waiting as ``save(_:)`` does).
    func remove(clientIDs: [String]) async throws {
        try await database.write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM launch_records WHERE client_id = ?")
            for clientID in clientIDs { try statement.execute(arguments: [clientID]) }
        }
    }

    /// Every stored record; rows that do not decode are skipped.
    func all() throws -> [LaunchRecord] {
        let texts = try database.read { db in try String.fetchAll(db, sql: "SELECT record FROM launch_records") }
        return texts.compactMap { try? JSONDecoder().decode(LaunchRecord.self, from: Data($0.utf8)) }
    }
}
