public import AdminAPI
import FleetTypes
public import Foundation

/// `urban-robot status`: the fleet at a glance. A header (state, revision, last good, the running
/// deployment) and one row per client: instance, role, client, revision, pid, the node it runs on (a NODE column
/// only when some client runs on a Swarm node), state, how long it has held its role, and its last heartbeat (its age, then the bot's guild count and gateway latency when it sends them). The wide
/// table (`status --wide`) adds the process's uptime, the instance's restarts, its resident memory and CPU time.
public enum StatusTable {
    /// The widest a table line may be before the heartbeat cells drop the bot's stats (a terminal's 80 columns).
    static let lineWidth = 80

    /// The table for `status`, with ages and time left shown relative to `now`; `wide` adds the UPTIME, RESTARTS, RSS
    /// and CPU columns (and may pass 80 columns).
    public static func render(_ status: StatusSnapshot, now: Date, wide: Bool = false) -> String {
        var lines: [String] = []
        let state = status.state.rawValue.uppercased()
        let haltReason = status.haltReason.map { " (\(TerminalText.sanitized($0)))" } ?? ""
        lines.append("state:      \(state)\(haltReason)")
        if let outage = status.storeError { lines.append(storeLine(outage, now: now)) }
        lines.append("revision:   \(status.revision.map { shortID($0.rawValue) } ?? "mixed")")
        lines.append("last good:  \(status.lastGood.map { "\(shortID($0.revision.rawValue)) (\($0.tag))" } ?? "none")")
        for bad in status.bad {
            lines.append(badLine(bad))
        }
        if let deployment = status.deployment {
            var text = "#\(deployment.id) \(deployment.trigger.rawValue) \(deployment.revision.map { shortID($0.rawValue) } ?? deployment.ref ?? "?")"
            text += ": \(deployment.phase), wave \(deployment.wave + 1)/\(max(deployment.waves, 1))"
            if let end = deployment.phaseEndsAt { text += ", \(ElapsedText.duration(end.timeIntervalSince(now))) left" }
            if deployment.phase == "paused" { text += " (`urban-robot promote` goes on)" }
            lines.append("deployment: \(text)")
        } else {
            lines.append("deployment: none")
        }
        lines.append("")
        let table = clientTable(status, now: now, withStats: true, wide: wide)
        let fits = wide || table.split(separator: "\n").allSatisfy { $0.count <= lineWidth }
        lines.append(fits ? table : clientTable(status, now: now, withStats: false, wide: wide))
        return lines.joined(separator: "\n")
    }

    /// `bad:        1a2b3c4d5e6f (instance 0 (shard-0.2): health_check_failure (40.0%))`, sanitized, cut to
    /// ``lineWidth`` with `...`.
    static func badLine(_ bad: StatusSnapshot.Bad) -> String {
        let line = "bad:        \(shortID(bad.revision.rawValue)) (\(TerminalText.sanitized(bad.reason)))"
        guard line.count > lineWidth else { return line }
        return String(line.prefix(lineWidth - 4)) + "...)"
    }

    /// One row per client (a `no client` row for an instance without any).
    private static func clientTable(_ status: StatusSnapshot, now: Date, withStats: Bool, wide: Bool) -> String {
        let wideHeader = wide ? ["UPTIME", "RESTARTS", "RSS", "CPU"] : []
        let withNodes = status.instances.contains { instance in
            [instance.active, instance.standby, instance.candidate].contains { $0?.node != nil }
        }
        let nodeHeader = withNodes ? ["NODE"] : []
        var table = TextTable(
            header: ["INST", "ROLE", "CLIENT", "REVISION", "PID"] + nodeHeader + ["STATE", "AGE"] + wideHeader + ["HEARTBEAT"])
        for instance in status.instances {
            let clients = [("active", instance.active), ("standby", instance.standby), ("candidate", instance.candidate)]
            let present = clients.compactMap { role, client in client.map { (role, $0) } }
            if present.isEmpty {
                table.rows.append(["\(instance.instance)", "-", "-", "-", "-"] + nodeHeader.map { _ in "-" }
                    + ["no client", "-"] + wideHeader.map { _ in "-" } + ["-"])
            }
            for (role, client) in present {
                var row = [
                    "\(instance.instance)", role, client.client.rawValue, String(client.revision.rawValue.prefix(8)),
                    client.pid.map(String.init) ?? "-",
                ]
                if withNodes { row.append(nodeCell(client.node)) }
                row += [stateCell(client, now: now), ElapsedText.duration(now.timeIntervalSince(client.since))]
                if wide { row += wideCells(client, now: now) }
                row.append(heartbeatCell(client.heartbeat, now: now, withStats: withStats))
                table.rows.append(row)
            }
        }
        return table.render()
    }

    /// The node's name, sanitized and cut to 20 characters; `-` for a local process.
    static func nodeCell(_ node: String?) -> String {
        guard let node else { return "-" }
        let name = TerminalText.sanitized(node)
        return name.count <= 20 ? name : String(name.prefix(19)) + "~"
    }

    /// UPTIME (since the process started), RESTARTS (the active's), RSS (`48.2M`) and CPU (`1m05s`); `-` when unknown.
    static func wideCells(_ client: StatusSnapshot.Client, now: Date) -> [String] {
        [
            client.launchedAt.map { ElapsedText.duration(now.timeIntervalSince($0)) } ?? "-",
            client.restarts.map(String.init) ?? "-",
            client.rssBytes.map(megabytes) ?? "-",
            client.cpuSeconds.map(ElapsedText.duration) ?? "-",
        ]
    }

    /// `48.2M`: bytes in MiB with one decimal.
    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1fM", Double(bytes) / 1_048_576)
    }

    /// The client's state; for an active not yet confirmed (`unconfirmed`, `reconnecting`), with the time left
    /// before it is replaced: `unconfirmed 24s`.
    static func stateCell(_ client: StatusSnapshot.Client, now: Date) -> String {
        guard let deadline = client.confirmBy else { return client.state }
        return "\(client.state) \(ElapsedText.duration(deadline.timeIntervalSince(now)))"
    }

    /// `12s ago`, then `1500g` (guilds) and `42ms` (latency) when the bot sends them and `withStats`; `-` when none.
    static func heartbeatCell(_ heartbeat: StatusSnapshot.Heartbeat?, now: Date, withStats: Bool) -> String {
        guard let heartbeat else { return "-" }
        var parts = ["\(ElapsedText.duration(now.timeIntervalSince(heartbeat.at))) ago"]
        guard withStats else { return parts[0] }
        switch heartbeat.stats["guilds"] {
        case .number(let guilds)?: parts.append("\(compact(guilds))g")
        case .string(let guilds)?: parts.append("\(guilds.prefix(8))g")
        default: break
        }
        if let latency = heartbeat.stats["latency"]?.doubleValue, latency.isFinite, latency >= 0, latency < 1e6 {
            parts.append("\(Int((latency * 1000).rounded()))ms")
        }
        return parts.joined(separator: " ")
    }

    /// An integral number without a fraction, another one as Swift writes it.
    private static func compact(_ number: Double) -> String {
        if let integer = Int(exactly: number) { return "\(integer)" }
        return "\(number)"
    }

    /// The first 12 characters of a commit id.
    static func shortID(_ id: String) -> String {
        String(id.prefix(12))
    }

    /// `store:      FAILING for 1m05s, 3 events waiting: <error>`, sanitized, cut to ``lineWidth`` with `...`.
    static func storeLine(_ outage: StatusSnapshot.StoreError, now: Date) -> String {
        let line = "store:      FAILING for \(ElapsedText.duration(now.timeIntervalSince(outage.since))), "
            + "\(outage.pendingEvents) event\(outage.pendingEvents == 1 ? "" : "s") waiting: "
            + TerminalText.sanitized(outage.error)
        return line.count <= lineWidth ? line : String(line.prefix(lineWidth - 3)) + "..."
    }
}
