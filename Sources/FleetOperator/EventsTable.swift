public import AdminAPI
import Foundation

/// `urban-robot history --events`: the events outside any deployment (adoptions, restarts, crash loops, repairs,
/// refusals), newest first, one row each.
public enum EventsTable {
    /// The table, times in UTC; what a bot sent is shown with its control characters as `?`.
    public static func render(_ events: [ProgressEvent]) -> String {
        guard !events.isEmpty else { return "no events outside deployments yet" }
        var table = TextTable(header: ["TIME (UTC)", "KIND", "INST", "CLIENT", "WHAT"])
        for event in events {
            table.rows.append([
                HistoryTable.timestamp(event.time), event.kind, event.instance.map(String.init) ?? "-",
                event.client ?? "-", event.message,
            ])
        }
        return table.render()
    }
}
