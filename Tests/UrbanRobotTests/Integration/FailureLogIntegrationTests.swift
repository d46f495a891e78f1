@testable import AdminAPI
import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// A revision whose bot prints its key and raises at import: the traceback, without the key, reaches the `finished`
/// progress event (what `deploy` and the push hook print) and the failure notification.
@Suite("Integration: failure log", .serialized)
struct FailureLogIntegrationTests {
    @Test("a bot that raises at import: the finished event and the rolled-back notification carry its traceback")
    func tracebackOfABotRaisingAtImport() async throws {
        let notifications = WebhookReceiver()
        try await notifications.withServer { notifyURL in
            try await tracebackOfABotRaisingAtImport(notifyURL: notifyURL, notifications: notifications)
        }
    }

    private func tracebackOfABotRaisingAtImport(notifyURL: String, notifications: WebhookReceiver) async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 2, notifyURL: notifyURL) { harness in
                let repository = scenario.repository
                let first = try await harness.deploy("main")
                #expect(first.outcome == .succeeded, "\(first.reason ?? "")")

                let botFile = "\(repository.workingCopy)/bot.py"
                let healthy = try String(contentsOfFile: botFile, encoding: .utf8)
                let leak = "import os\nprint(\"my key is\", os.environ[\"URBAN_ROBOT_KEY\"], flush=True)\n"
                try (leak + "raise RuntimeError(\"the music cog is missing\")\n" + healthy).write(toFile: botFile, atomically: true, encoding: .utf8)
                _ = try await repository.commit("v2 raises at import", simulate: nil)
                let second = try await harness.deploy("main")

                #expect(second.outcome == .rolledBack, "\(second.reason ?? "")")
                var finished: ProgressEvent?
                for try await event in try await harness.daemon.progress(deployment: second.id, follow: false)
                where event.kind == ProgressEvent.finishedKind {
                    finished = event
                }
                let event = try #require(finished)
                #expect(event.instance == 0)
                let client = try #require(event.client)
                #expect(client.hasPrefix("shard-0."))
                let tail = try #require(event.logTail)
                #expect(tail.contains("Traceback (most recent call last):"), "\(tail)")
                #expect(tail.contains("RuntimeError: the music cog is missing"), "\(tail)")
                #expect(tail.split(separator: "\n").count <= FailureLog.lines)
                // The per-launch key the bot printed is redacted before it reaches the file.
                #expect(tail.contains("my key is <redacted>\n"), "\(tail)")

                let notification = try await harness.poll("the rolled_back notification", timeout: .seconds(30)) {
                    notifications.receivedObjects.first { $0["event"] as? String == "rolled_back" }
                }
                #expect(notification["failed_client"] as? String == client)
                #expect((notification["log_tail"] as? String)?.contains("RuntimeError: the music cog is missing") == true)
            }
        }
    }
}
