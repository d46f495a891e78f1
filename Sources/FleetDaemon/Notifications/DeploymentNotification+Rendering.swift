import Foundation

extension DeploymentNotification {
    /// The largest `content` a Discord webhook accepts.
    static let discordContentLimit = 2000

    /// The body for the generic JSON webhook.
    func genericWebhookBody() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// The body for a Discord webhook: one readable message.
    func discordWebhookBody() throws -> Data {
        try JSONSerialization.data(withJSONObject: ["username": "urban-robot", "content": discordText()],
                                   options: [.sortedKeys])
    }

    /// The message a person reads in Discord.
    func discordText() -> String {
        let short = String(revision.prefix(12))
        let headline: String
        switch event {
        case .started: headline = "🚀 **\(bot)**: deploying `\(short)`"
        case .canaryPassed: headline = "🐤 **\(bot)**: canary passed for `\(short)`, rolling out"
        case .succeeded: headline = "✅ **\(bot)**: `\(short)` is live on the whole fleet and tagged good"
        case .rolledBack: headline = "↩️ **\(bot)**: `\(short)` was rolled back"
        case .failed: headline = "❌ **\(bot)**: deploying `\(short)` failed before any instance was touched"
        case .aborted: headline = "⏹️ **\(bot)**: the deployment of `\(short)` was aborted"
        case .halted: headline = "🛑 **\(bot)**: deployments are HALTED; run `urban-robot resume` once fixed"
        }
        var lines = [headline]
        if let deployment { lines[0] += " (deployment #\(deployment)\(trigger.map { ", \($0)" } ?? ""))" }
        if let reason { lines.append("reason: \(reason)") }
        for commit in commits.prefix(10) {
            lines.append("• `\(commit.id.prefix(8))` \(commit.subject)")
        }
        if commits.count > 10 { lines.append("• … and \(commits.count - 10) more") }
        var text = lines.joined(separator: "\n")
        guard text.count <= Self.discordContentLimit else { return String(text.prefix(Self.discordContentLimit - 1)) + "…" }
        if let logTail, let failedClient {
            text += logBlock(logTail, of: failedClient, room: Self.discordContentLimit - text.count)
        }
        return text
    }

    /// The end of `client`'s log as a code block of at most `room` characters (nothing when even its heading does
    /// not fit): the newest lines are kept, the oldest dropped first.
    private func logBlock(_ log: String, of client: String, room: Int) -> String {
        let heading = "\nthe end of the log of \(client):\n```\n"
        let closing = "\n```"
        let fence = "```"
        let cleaned = log.replacingOccurrences(of: fence, with: "ʼʼʼ").trimmingCharacters(in: .newlines)
        let budget = room - heading.count - closing.count
        guard budget > 0 else { return "" }
        var kept = cleaned.count > budget ? String(cleaned.suffix(budget)) : cleaned
        if kept.count < cleaned.count, let newline = kept.firstIndex(of: "\n") { kept = String(kept[kept.index(after: newline)...]) }
        return heading + kept + closing
    }
}
