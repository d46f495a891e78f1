import FleetTypes
import Foundation
import GRDB

/// The schema, its migrations, and the mapping of rows to the engine's types.
extension DeployerStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE deployments (
                    id INTEGER PRIMARY KEY, ref TEXT, revision TEXT, "trigger" TEXT NOT NULL, who TEXT NOT NULL,
                    force BOOLEAN NOT NULL, immediate BOOLEAN NOT NULL, outcome TEXT NOT NULL, reason TEXT,
                    requested_at DATETIME NOT NULL, started_at DATETIME, finished_at DATETIME);
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, deployment_id INTEGER REFERENCES deployments(id),
                    time DATETIME NOT NULL, kind TEXT NOT NULL, instance INTEGER, client TEXT, detail TEXT NOT NULL);
                CREATE INDEX events_by_deployment ON events (deployment_id, id);
                CREATE TABLE clients (
                    client TEXT PRIMARY KEY, instance INTEGER NOT NULL, revision TEXT NOT NULL, role TEXT NOT NULL,
                    pid INTEGER, start_time INTEGER, epoch INTEGER NOT NULL, key_hash BLOB NOT NULL,
                    since DATETIME NOT NULL);
                CREATE TABLE instance_epochs (instance INTEGER PRIMARY KEY, epoch INTEGER NOT NULL);
                CREATE TABLE bad_revisions (revision TEXT PRIMARY KEY, reason TEXT NOT NULL, marked_at DATETIME NOT NULL);
                CREATE TABLE daemon_state (key TEXT PRIMARY KEY, value TEXT);
                """)
        }
        migrator.registerMigration("v2: launch counters") { db in
            try db.execute(sql: "ALTER TABLE instance_epochs ADD COLUMN launches INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v3: restart counters") { db in
            try db.execute(sql: "ALTER TABLE instance_epochs ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0")
        }
        // A client's pid and start time are the launcher's: the daemon's `launch_records`, written with the `launched`
        // step, hold them with the boot id that makes them unique; a restarted daemon reads them back from there.
        migrator.registerMigration("v4: process identity in launch_records only") { db in
            try db.execute(sql: "ALTER TABLE clients DROP COLUMN pid; ALTER TABLE clients DROP COLUMN start_time")
        }
        // AUTOINCREMENT kept the largest id in `sqlite_sequence`, read and written with every event: a page more in
        // nearly every commit (15 % of a rollout's log frames). Events are never deleted, so a plain rowid (the
        // largest plus one) numbers them the same; the rows keep their ids.
        migrator.registerMigration("v5: events without AUTOINCREMENT") { db in
            try db.execute(sql: """
                CREATE TABLE events_v5 (
                    id INTEGER PRIMARY KEY, deployment_id INTEGER REFERENCES deployments(id),
                    time DATETIME NOT NULL, kind TEXT NOT NULL, instance INTEGER, client TEXT, detail TEXT NOT NULL);
                INSERT INTO events_v5 (id, deployment_id, time, kind, instance, client, detail)
                    SELECT id, deployment_id, time, kind, instance, client, detail FROM events ORDER BY id;
                DROP TABLE events;
                ALTER TABLE events_v5 RENAME TO events;
                CREATE INDEX events_by_deployment ON events (deployment_id, id);
                DELETE FROM sqlite_sequence WHERE name = 'events';
                """)
        }
        return migrator
    }

    static func badRevisions(_ db: Database) throws -> [Revision: BadRevision] {
        var bad: [Revision: BadRevision] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT revision, reason, marked_at FROM bad_revisions") {
            let revision = Revision(row["revision"] as String)
            bad[revision] = BadRevision(revision: revision, reason: row["reason"], markedAt: row["marked_at"])
        }
        return bad
    }

    /// Writes the rows of a step's actions: deployment rows, audit entries, bad marks, and an `action.<name>`
    /// entry for every other action, filed under the deployment of the audit entry before it (else `deployment`).
    /// - Returns: the audit entries written, with their row ids, in order.
    static func append(_ actions: [DeployerAction], deployment: Int?, at now: Date, _ db: Database) throws -> [StoredAuditEntry] {
        var deployment = deployment
        var stored: [StoredAuditEntry] = []
        for action in actions {
            switch action {
            case .recordDeployment(let record): try save(record, db)
            case .audit(let entry):
                deployment = entry.deployment
                stored.append(try append(entry, db))
            case .markBad(let revision, let reason):
                try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO bad_revisions (revision, reason, marked_at) VALUES (?, ?, ?)"
                ).execute(arguments: [revision.rawValue, reason, StoredDate.value(now)])
                stored.append(try append(entry(for: action, deployment: deployment, at: now), db))
            case .unmarkBad(let revision, _):
                try db.cachedStatement(sql: "DELETE FROM bad_revisions WHERE revision = ?")
                    .execute(arguments: [revision.rawValue])
                stored.append(try append(entry(for: action, deployment: deployment, at: now), db))
            default:
                stored.append(try append(entry(for: action, deployment: deployment, at: now), db))
            }
        }
        return stored
    }

    static func save(_ record: DeploymentRecord, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO deployments
                (id, ref, revision, "trigger", who, force, immediate, outcome, reason, requested_at, started_at, finished_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            record.id, record.ref, record.revision?.rawValue, record.trigger.rawValue, record.who, record.force,
            record.immediate, record.outcome.rawValue, record.reason, StoredDate.value(record.requestedAt),
            StoredDate.value(record.startedAt), StoredDate.value(record.finishedAt),
        ])
    }

    static func append(_ entry: AuditEntry, _ db: Database) throws -> StoredAuditEntry {
        let detail = AuditDetailText.json(entry.detail)
        try db.cachedStatement(
            sql: "INSERT INTO events (deployment_id, time, kind, instance, client, detail) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            entry.deployment, StoredDate.value(entry.time), entry.kind, entry.instance, entry.client?.rawValue, detail,
        ])
        var stored = entry
        stored.time = StoredDate.stored(entry.time)
        return StoredAuditEntry(id: db.lastInsertedRowID, entry: stored)
    }

    /// The audit entry of an action that is not itself a record.
    static func entry(for action: DeployerAction, deployment: Int?, at now: Date) -> AuditEntry {
        func performed(_ what: PerformedAction, instance: Int? = nil, client: ClientID? = nil) -> AuditEntry {
            AuditEntry(deployment: deployment, time: now, event: .performed(what), instance: instance, client: client)
        }
        return switch action {
        case .admit(let id): performed(.admit, client: id)
        case .refuse(let id, let reason): performed(.refuse(reason: reason), client: id)
        case .hello(let id, let processCommands): performed(.hello(processCommands: processCommands), client: id)
        case .send(let id, let command): performed(.send(name: command.name, command: command.auditText), client: id)
        case .launch(let order): performed(.launch(revision: order.revision), instance: order.instance, client: order.client)
        case .stop(let id): performed(.stop, client: id)
        case .prepareRelease(_, let ref): performed(.prepareRelease(ref: ref))
        case .tagGood(let revision, let id): performed(.tagGood(revision: revision, deployment: id))
        case .markBad(let revision, let reason): performed(.markBad(revision: revision, reason: reason))
        case .unmarkBad(let revision, let succeeded):
            AuditEntry(deployment: succeeded, time: now, event: .performed(.unmarkBad(revision: revision, deployment: succeeded)))
        case .retainReleases(let keep): performed(.retainReleases(keep: keep.sorted { $0.rawValue < $1.rawValue }))
        case .notify(let notice): performed(.notify(level: notice.level, message: notice.message))
        case .recordDeployment(let record):
            AuditEntry(deployment: record.id, time: now, event: .performed(.recordDeployment(outcome: record.outcome)))
        case .audit(let entry): entry
        }
    }

    static func deploymentRecord(_ row: Row) throws -> DeploymentRecord {
        guard let trigger = Trigger(rawValue: row["trigger"]), let outcome = DeploymentOutcome(rawValue: row["outcome"])
        else {
            throw DeployerStoreError(
                code: .corrupt, message: "deployment \(row["id"] as Int? ?? -1) has an unknown trigger or outcome"
            )
        }
        var record = DeploymentRecord(
            id: row["id"],
            request: DeploymentRequest(
                ref: row["ref"], trigger: trigger, who: row["who"], force: row["force"], immediate: row["immediate"]
            ),
            at: row["requested_at"]
        )
        record.revision = (row["revision"] as String?).map(Revision.init(rawValue:))
        record.outcome = outcome
        record.reason = row["reason"]
        record.startedAt = row["started_at"]
        record.finishedAt = row["finished_at"]
        return record
    }

    static func auditEntry(_ row: Row) throws -> AuditEntry {
        let detail = try JSONDecoder().decode([String: String].self, from: Data((row["detail"] as String).utf8))
        return AuditEntry(
            deployment: row["deployment_id"], time: row["time"], kind: row["kind"], instance: row["instance"],
            client: (row["client"] as String?).map(ClientID.init(rawValue:)), detail: detail
        )
    }

    static func clientRecord(_ row: Row) throws -> ClientRecord {
        guard let role = ClientRole(rawValue: row["role"]) else {
            throw DeployerStoreError(code: .corrupt, message: "client \(row["client"] as String? ?? "?") has an unknown role")
        }
        return ClientRecord(
            instance: row["instance"], client: ClientID(rawValue: row["client"]), revision: Revision(row["revision"] as String),
            role: role, pid: nil, startTime: nil, epoch: row["epoch"], keyHash: KeyHash(bytes: row["key_hash"]), since: row["since"]
        )
    }
}
