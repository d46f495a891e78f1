import AdminAPI
import Deployer
import FleetTypes
import Foundation

/// Fixed snapshots and history for the tests, decoded from the stable JSON.
enum Fixtures {
    static let revisionA = String(repeating: "a", count: 40)
    static let revisionB = String(repeating: "b", count: 40)

    static let statusJSON = """
        {"state": "deploying", "halt_reason": null, "revision": null,
         "last_good": {"revision": "\(revisionA)", "tag": "good/20261127T051300Z"},
         "deployment": {"id": 6, "revision": "\(revisionB)", "ref": "main", "trigger": "push", "phase": "bake",
                        "wave": 0, "waves": 3, "phase_ends_at": "2026-11-27T06:05:00Z", "started_at": "2026-11-27T06:00:00Z"},
         "instances": [
           {"instance": 0, "epoch": 4,
            "active": {"client": "shard-0.4", "revision": "\(revisionB)", "pid": 4242, "state": "serving", "epoch": 4,
                       "since": "2026-11-27T06:01:00Z",
                       "heartbeat": {"at": "2026-11-27T06:02:48Z",
                                     "stats": {"guilds": 1500, "latency": 0.042, "cogs": ["music", "admin"]}}},
            "standby": {"client": "shard-0.3", "revision": "\(revisionA)", "pid": 4100, "state": "standby", "epoch": 3,
                        "since": "2026-11-27T05:13:00Z", "heartbeat": {"at": "2026-11-27T06:00:00Z", "stats": {}}},
            "candidate": null},
           {"instance": 1, "epoch": 2,
            "active": {"client": "shard-1.2", "revision": "\(revisionA)", "pid": 4101, "state": "serving", "epoch": 2,
                       "since": "2026-11-27T05:13:00Z", "heartbeat": null},
            "standby": null,
            "candidate": {"client": "shard-1.3", "revision": "\(revisionB)", "pid": null, "state": "identifying", "epoch": 2,
                          "since": "2026-11-27T06:02:00Z"}}]}
        """

    static let historyJSON = """
        [{"id": 6, "revision": "\(revisionB)", "trigger": "push", "outcome": "running", "reason": null,
          "started_at": "2026-11-27T06:00:00Z", "finished_at": null},
         {"id": 5, "revision": "\(revisionA)", "trigger": "cli", "outcome": "succeeded", "reason": null,
          "started_at": "2026-11-27T05:00:00Z", "finished_at": "2026-11-27T05:13:00Z"},
         {"id": 4, "revision": "cafe", "trigger": "webhook", "outcome": "failed", "reason": "revision cafe not found",
          "started_at": "2026-11-27T04:00:00Z", "finished_at": "2026-11-27T04:00:02Z"}]
        """

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static let status: StatusSnapshot = try! decoder.decode(StatusSnapshot.self, from: Data(statusJSON.utf8))
    static let history: [HistoryEntry] = try! decoder.decode([HistoryEntry].self, from: Data(historyJSON.utf8))

    /// The status with other fields.
    static func status(revision: String?, deploymentRevision: String? = nil) -> StatusSnapshot {
        var status = self.status
        status.revision = revision.map(Revision.init(rawValue:))
        status.deployment?.revision = deploymentRevision.map(Revision.init(rawValue:))
        status.deployment?.ref = deploymentRevision
        if deploymentRevision == nil { status.deployment = nil }
        return status
    }

    static func event(_ kind: String, _ message: String, instance: Int? = nil, client: String? = nil,
                      detail: [String: String] = [:], at seconds: TimeInterval = 0) -> ProgressEvent {
        ProgressEvent(time: Date(timeIntervalSince1970: 1_795_000_000 + seconds), deployment: 6, kind: kind,
                      instance: instance, client: client, detail: detail, message: message)
    }
}
