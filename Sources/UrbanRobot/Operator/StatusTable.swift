public import Deployer
public import Foundation

/// `urban-robot status`: the fleet at a glance. A header (state, revision, last good, the running
/// deployment) and one row per client: instance, role, client, revision short id, pid, state, epoch, since.
public enum StatusTable {
    /// The table for `status`, with `since` and time left shown relative to `now`.
    public static func render(_ status: StatusSnapshot, now: Date) -> String {
        var lines: [String] = []
        let state = status.state.rawValue.uppercased()
        lines.append("state:      \(state)\(status.haltReason.map { " (\($0))" } ?? "")")
        lines.append("revision:   \(status.revision.map { shortID($0.rawValue) } ?? "mixed")")
        lines.append("last good:  \(status.lastGood.map { "\(shortID($0.revision.rawValue)) (\($0.tag))" } ?? "none")")
        if let deployment = status.deployment {
            var text = "#\(deployment.id) \(deployment.trigger.rawValue) \(deployment.revision.map { shortID($0.rawValue) } ?? deployment.ref ?? "?")"
            text += ": \(deployment.phase), wave \(deployment.wave + 1)/\(max(deployment.waves, 1))"
            if let end = deployment.phaseEndsAt { text += ", \(duration(end.timeIntervalSince(now))) left" }
            lines.append("deployment: \(text)")
        } else {
            lines.append("deployment: none")
        }
        var table = TextTable(header: ["INSTANCE", "ROLE", "CLIENT", "REVISION", "PID", "STATE", "EPOCH", "SINCE"])
        for instance in status.instances {
            let clients = [("active", instance.active), ("standby", instance.standby), ("candidate", instance.candidate)]
            let present = clients.compactMap { role, client in client.map { (role, $0) } }
            if present.isEmpty {
                table.rows.append(["\(instance.instance)", "-", "-", "-", "-", "no client", "\(instance.epoch)", "-"])
            }
            for (role, client) in present {
                table.rows.append([
                    "\(instance.instance)", role, client.client.rawValue, shortID(client.revision.rawValue),
                    client.pid.map(String.init) ?? "-", client.state, "\(client.epoch)",
                    "\(duration(now.timeIntervalSince(client.since))) ago",
                ])
            }
        }
        lines.append("")
        lines.append(table.render())
        return lines.joined(separator: "\n")
    }

    /// The first 12 characters of a commit id.
    static func shortID(_ id: String) -> String {
        String(id.prefix(12))
    }

    /// `42s`, `3m05s`, `2h07m`, `3d04h`.
    static func duration(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds.rounded()))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        switch total {
        case ..<60: return "\(total)s"
        case ..<3600: return "\(total / 60)m\(two(total % 60))s"
        case ..<86400: return "\(total / 3600)h\(two(total % 3600 / 60))m"
        default: return "\(total / 86400)d\(two(total % 86400 / 3600))h"
        }
    }
}
