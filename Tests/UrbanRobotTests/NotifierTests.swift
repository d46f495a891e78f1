@testable import FleetConfiguration
@testable import FleetDaemon
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Testing

@Suite("Notifier", .serialized)
struct NotifierTests {
    private let notification = DeploymentNotification(
        event: .rolledBack, bot: "mybot", deployment: 7, revision: "0123456789abcdef0123456789abcdef01234567",
        trigger: "push", reason: "vital_cog_failure: music",
        commits: [.init(id: "0123456789abcdef0123456789abcdef01234567", subject: "rewrite the music cog")],
        time: Date(timeIntervalSince1970: 1_800_000_000))

    @Test("a failing webhook is retried until it accepts, and gets the JSON body")
    func retriesUntilAccepted() async throws {
        let receiver = WebhookReceiver(failures: 2)
        try await receiver.withServer { url in
            let notifier = Notifier(targets: [.json(url)], retryDelays: [.milliseconds(10), .milliseconds(10)],
                                    logger: Logger(label: "test"))
            #expect(await notifier.deliver(notification, to: .json(url)))
        }
        #expect(receiver.attempts.withLock { $0 } == 3)
        let body = try #require(receiver.bodies.withLock { $0.first })
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(object["event"] as? String == "rolled_back")
        #expect(object["bot"] as? String == "mybot")
        #expect(object["deployment"] as? Int == 7)
        #expect(object["reason"] as? String == "vital_cog_failure: music")
        #expect((object["commits"] as? [[String: Any]])?.first?["subject"] as? String == "rewrite the music cog")
        #expect(object["time"] as? String == "2027-01-15T08:00:00Z")
    }

    @Test("attempts are bounded: a webhook that always fails is given up")
    func givesUp() async throws {
        let receiver = WebhookReceiver(failures: .max)
        try await receiver.withServer { url in
            let notifier = Notifier(targets: [.json(url)], retryDelays: [.milliseconds(10)], logger: Logger(label: "test"))
            #expect(await notifier.deliver(notification, to: .json(url)) == false)
        }
        #expect(receiver.attempts.withLock { $0 } == 2)
    }

    @Test("an unreachable webhook is given up without throwing")
    func unreachable() async {
        let notifier = Notifier(targets: [], retryDelays: [.milliseconds(10)], requestTimeout: .milliseconds(500),
                                logger: Logger(label: "test"))
        #expect(await notifier.deliver(notification, to: .json("http://127.0.0.1:1/hook")) == false)
    }

    @Test("Discord gets one readable message")
    func discordBody() throws {
        let body = try notification.discordWebhookBody()
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: String])
        #expect(object["username"] == "urban-robot")
        let content = try #require(object["content"])
        #expect(content.hasPrefix("↩️ **mybot**: `0123456789ab` was rolled back (deployment #7, push)"))
        #expect(content.contains("reason: vital_cog_failure: music"))
        #expect(content.contains("• `01234567` rewrite the music cog"))
    }

    @Test("Discord: a halt names the deployment that led to it and the reason")
    func discordHalted() {
        let halted = DeploymentNotification(
            event: .halted, bot: "mybot", deployment: 9, revision: notification.revision, trigger: "push",
            reason: "more than 3 automatic rollbacks within an hour")
        #expect(halted.discordText() == "🛑 **mybot**: deployments are HALTED; run `urban-robot resume` once fixed"
            + " (deployment #9, push)\nreason: more than 3 automatic rollbacks within an hour")
    }

    @Test("a failure carries the end of the failing client's log: in the JSON body, and as a code block in Discord that keeps the newest lines")
    func failureLogTail() throws {
        var failed = notification
        failed.failedClient = "shard-0.5"
        failed.logTail = "Traceback (most recent call last):\nRuntimeError: the music cog is missing\n"
        let object = try #require(try JSONSerialization.jsonObject(with: failed.genericWebhookBody()) as? [String: Any])
        #expect(object["failed_client"] as? String == "shard-0.5")
        #expect(object["log_tail"] as? String == failed.logTail)
        #expect(failed.discordText().hasSuffix("""
            the end of the log of shard-0.5:
            ```
            Traceback (most recent call last):
            RuntimeError: the music cog is missing
            ```
            """))
        failed.logTail = (1...400).map { "line \($0) of a long traceback" }.joined(separator: "\n")
        let long = failed.discordText()
        #expect(long.count <= DeploymentNotification.discordContentLimit)
        #expect(long.hasSuffix("line 400 of a long traceback\n```"))
        #expect(!long.contains("line 1 of"))
    }

    @Test("a long message is cut to Discord's limit")
    func discordLimit() {
        var long = notification
        long.reason = String(repeating: "x", count: 5000)
        #expect(long.discordText().count == DeploymentNotification.discordContentLimit)
    }

    @Test("logs never carry a webhook's secret path")
    func redaction() {
        #expect(Notifier.redacted("https://discord.com/api/webhooks/123/SECRET") == "https://discord.com/…")
        #expect(Notifier.redacted("http://127.0.0.1:9000/x/SECRET") == "http://127.0.0.1:9000/…")
    }

    @Test("the targets follow [notify]")
    func targets() {
        var settings = NotifySettings()
        #expect(Notifier.targets(of: settings).isEmpty)
        settings.discordWebhook = "https://discord.com/api/webhooks/1/a"
        settings.webhook = "https://example.invalid/hook"
        #expect(Notifier.targets(of: settings) == [.discord("https://discord.com/api/webhooks/1/a"),
                                                   .json("https://example.invalid/hook")])
    }
}
