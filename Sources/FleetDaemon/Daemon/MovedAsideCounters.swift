import Deployer
import Foundation
import GRDB

/// The epochs and launch counters of the database that `serve --reset-state` moved aside. The fleet that starts
/// over goes on from them, so that no bot left running from before shares a client id with a new launch (its
/// reconnect would present a wrong key for the new client, which fails that client's gate) or an epoch.
struct MovedAsideCounters: Equatable {
    /// Each instance's epoch.
    var epochs: [Int: Int] = [:]
    /// Each instance's launch counter.
    var launches: [Int: Int] = [:]

    /// Reads `<aside>/state.sqlite`; empty when the folder holds no database.
    /// - Throws: GRDB's error when the database cannot be read.
    init(aside: String) throws {
        let path = StateFolder.databasePath(aside)
        guard FileManager.default.fileExists(atPath: path) else { return }
        let database = try StateFolder.openReadOnly(path)
        let rows = try database.read { db -> [Row] in
            let columns = try db.columns(in: "instance_epochs").map(\.name)
            let launches = columns.contains("launches") ? "launches" : "0"
            return try Row.fetchAll(db, sql: "SELECT instance, epoch, \(launches) AS launches FROM instance_epochs")
        }
        for row in rows {
            epochs[row["instance"]] = row["epoch"]
            launches[row["instance"]] = row["launches"]
        }
    }

    /// `recovered` with each epoch and launch counter raised to the moved-aside one where that is higher.
    func raising(_ recovered: RecoveredState) -> RecoveredState {
        var raised = recovered
        raised.epochs.merge(epochs) { max($0, $1) }
        raised.launches.merge(launches) { max($0, $1) }
        return raised
    }
}
