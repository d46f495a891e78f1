public import AdminAPI
import FleetTypes
import Foundation

/// `urban-robot history`: one row per deployment, newest first.
public enum HistoryTable {
    /// The table, times in UTC.
    public static func render(_ entries: [HistoryEntry]) -> String {
        guard !entries.isEmpty else { return "no deployments yet" }
        var table = TextTable(header: ["ID", "REVISION", "TRIGGER", "OUTCOME", "STARTED (UTC)", "TOOK", "REASON"])
        for entry in entries {
            table.rows.append([
                "\(entry.id)", entry.revision.map(StatusTable.shortID) ?? "-", entry.trigger.rawValue, entry.outcome.rawValue,
                timestamp(entry.startedAt),
                entry.finishedAt.map { ElapsedText.duration($0.timeIntervalSince(entry.startedAt)) } ?? "-",
                entry.reason ?? "",
            ])
        }
        return table.render()
    }

    /// `2026-11-27 05:13:00`.
    static func timestamp(_ date: Date) -> String {
        let text = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime])
        return String(text.replacingOccurrences(of: "T", with: " ").dropLast())
    }
}
