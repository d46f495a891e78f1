import FleetTypes
import GRDB

/// The snapshot rows (clients, instance epochs and launch counters, the halt) as the last committed transaction
/// left them, so that an engine step writes only the rows that changed instead of all of them.
///
/// It is replaced only after a transaction commits: a step whose transaction failed leaves it as it was, so the
/// next step (or the retry of the same one) writes everything that differs from what the database really holds.
struct WrittenSnapshot: Sendable {
    struct Epoch: Hashable, Sendable {
        var epoch: Int
        var launches: Int
        var restarts: Int
    }

    var clients: [ClientID: ClientRecord]
    var epochs: [Int: Epoch]
    var haltReason: String?

    init(_ snapshot: EngineSnapshot) {
        clients = Dictionary(snapshot.clients.map { ($0.client, $0) }, uniquingKeysWith: { _, last in last })
        epochs = snapshot.epochs.reduce(into: [:]) { epochs, entry in
            epochs[entry.key] = Epoch(
                epoch: entry.value, launches: snapshot.launches[entry.key] ?? 0,
                restarts: snapshot.restarts[entry.key] ?? 0)
        }
        haltReason = snapshot.haltReason
    }

    /// Writes the rows of `self` that differ from `written` (all of them, the clients table emptied first, when
    /// nothing is known to be written).
    func write(since written: WrittenSnapshot?, _ db: Database) throws {
        if let written {
            for client in written.clients.keys where clients[client] == nil {
                try db.cachedStatement(sql: "DELETE FROM clients WHERE client = ?").execute(arguments: [client.rawValue])
            }
        } else {
            try db.execute(sql: "DELETE FROM clients")
        }
        for (id, client) in clients where written?.clients[id] != client {
            try Self.save(client, db)
        }
        for (instance, epoch) in epochs where written?.epochs[instance] != epoch {
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO instance_epochs (instance, epoch, launches, restarts) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [instance, epoch.epoch, epoch.launches, epoch.restarts])
        }
        // Optional chaining flattens `written?.haltReason`: a nil halt would match "nothing written".
        if written.map({ $0.haltReason != haltReason }) ?? true {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO daemon_state (key, value) VALUES ('halt_reason', ?)")
                .execute(arguments: [haltReason])
        }
    }

    private static func save(_ client: ClientRecord, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO clients (client, instance, revision, role, epoch, key_hash, since)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            client.client.rawValue, client.instance, client.revision.rawValue, client.role.rawValue, client.epoch,
            client.keyHash.bytes, StoredDate.value(client.since),
        ])
    }
}
