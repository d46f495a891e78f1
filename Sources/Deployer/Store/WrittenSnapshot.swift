import FleetTypes
import GRDB

/// The snapshot rows (clients, instance counters, the halt) as the last committed transaction left them, so that
/// an engine step writes only the rows that changed instead of all of them.
///
/// It changes only after a transaction commits: a step whose transaction failed leaves it as it was, so the next
/// step (or the retry of the same one) writes everything that differs from what the database really holds.
struct WrittenSnapshot: Sendable {
    var clients: [ClientID: ClientRecord]
    var counters: [Int: InstanceCounters]
    var haltReason: String?

    /// The rows of a whole snapshot.
    init(_ snapshot: EngineSnapshot) {
        clients = Dictionary(snapshot.clients.map { ($0.client, $0) }, uniquingKeysWith: { _, last in last })
        counters = snapshot.epochs.reduce(into: [:]) { counters, entry in
            counters[entry.key] = InstanceCounters(
                epoch: entry.value, launches: snapshot.launches[entry.key] ?? 0,
                restarts: snapshot.restarts[entry.key] ?? 0)
        }
        haltReason = snapshot.haltReason
    }

    /// The rows to write so that the database holds `next` (every row, the clients table emptied first, when
    /// nothing is known to be written).
    static func rows(from written: WrittenSnapshot?, to next: WrittenSnapshot) -> SnapshotRows {
        guard let written else {
            return SnapshotRows(
                emptiesClients: true, saved: Array(next.clients.values), deleted: [],
                counters: next.counters.map { ($0.key, $0.value) }, haltReason: .some(next.haltReason))
        }
        return SnapshotRows(
            emptiesClients: false,
            saved: next.clients.values.filter { written.clients[$0.client] != $0 },
            deleted: written.clients.keys.filter { next.clients[$0] == nil },
            counters: next.counters.filter { written.counters[$0.key] != $0.value }.map { ($0.key, $0.value) },
            haltReason: written.haltReason != next.haltReason ? .some(next.haltReason) : .none)
    }

    /// The rows of one step's `changes` that differ from what is written: only the clients the step touched are
    /// looked at.
    func rows(of changes: SnapshotChanges) -> SnapshotRows {
        SnapshotRows(
            emptiesClients: false,
            saved: changes.clients.filter { clients[$0.client] != $0 },
            deleted: changes.removed.filter { clients[$0] != nil },
            counters: changes.counters.enumerated().filter { counters[$0.offset] != $0.element }.map { ($0.offset, $0.element) },
            haltReason: haltReason != changes.haltReason ? .some(changes.haltReason) : .none)
    }

    /// Takes in the rows a committed transaction wrote.
    mutating func apply(_ rows: SnapshotRows) {
        if rows.emptiesClients { clients.removeAll() }
        for id in rows.deleted { clients.removeValue(forKey: id) }
        for client in rows.saved { clients[client.client] = client }
        for (instance, counter) in rows.counters { counters[instance] = counter }
        if case .some(let reason) = rows.haltReason { haltReason = reason }
    }
}

/// The snapshot rows one transaction writes.
struct SnapshotRows {
    /// Whether the clients table is emptied first.
    var emptiesClients: Bool
    /// The client rows to insert or replace.
    var saved: [ClientRecord]
    /// The client rows to delete.
    var deleted: [ClientID]
    /// The instance counters to insert or replace.
    var counters: [(instance: Int, counters: InstanceCounters)]
    /// The halt to write (`.some(nil)`: no halt); `.none` to leave it.
    var haltReason: String??

    /// Writes them.
    func write(_ db: Database) throws {
        if emptiesClients { try db.execute(sql: "DELETE FROM clients") }
        for id in deleted {
            try db.cachedStatement(sql: "DELETE FROM clients WHERE client = ?").execute(arguments: [id.rawValue])
        }
        for client in saved { try Self.save(client, db) }
        for (instance, counters) in counters {
            try db.cachedStatement(
                sql: """
                    INSERT INTO instance_epochs (instance, epoch, launches, restarts) VALUES (?, ?, ?, ?)
                    ON CONFLICT (instance) DO UPDATE
                    SET epoch = excluded.epoch, launches = excluded.launches, restarts = excluded.restarts
                    """
            ).execute(arguments: [instance, counters.epoch, counters.launches, counters.restarts])
        }
        if case .some(let reason) = haltReason {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO daemon_state (key, value) VALUES ('halt_reason', ?)")
                .execute(arguments: [reason])
        }
    }

    /// Inserts the client's row, or updates it in place: `INSERT OR REPLACE` deleted the row and inserted it again
    /// under a new rowid, which wrote the page it left, the table's last page and two pages of the `client` index
    /// for each client changed by a step.
    private static func save(_ client: ClientRecord, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO clients (client, instance, revision, role, epoch, key_hash, since)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (client) DO UPDATE
                SET instance = excluded.instance, revision = excluded.revision, role = excluded.role,
                    epoch = excluded.epoch, key_hash = excluded.key_hash, since = excluded.since
                """
        ).execute(arguments: [
            client.client.rawValue, client.instance, client.revision.rawValue, client.role.rawValue, client.epoch,
            client.keyHash.bytes, StoredDate.value(client.since),
        ])
    }
}
