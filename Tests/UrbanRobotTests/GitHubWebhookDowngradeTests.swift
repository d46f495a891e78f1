import AdminAPI
import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Logging
import Testing

/// A captured webhook delivery must not downgrade the fleet: a real daemon with real bots over a real repository,
/// its admin server and GitHub webhook, and deliveries signed with the secret (HMAC-SHA256) as GitHub signs them.
@Suite("GitHub webhook: no downgrade by a replayed delivery", .serialized)
struct GitHubWebhookDowngradeTests {
    static let secret = Array("integration webhook secret".utf8)

    /// Posts a push of `after` to main, signed, as delivery `delivery`.
    static func push(port: Int, after: String, delivery: String) async throws -> (status: Int, body: [String: Any]) {
        let body = GitHubWebhookRouteTests.push(after: after)
        return try await GitHubWebhookRouteTests.post(port: port, delivery: delivery, body: body,
                                                      signature: GitHubSignature.header(body: body, secret: secret))
    }

    @Test("v3 serves: the v2 delivery re-sent with a new id, a force-push back to v1 and a delivery of v3 itself are ignored with their reasons; no deployment is made and v3 keeps serving")
    func replayedDeliveryIsIgnored() async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 1) { harness in
                let (repository, v1) = (scenario.repository, scenario.v1)
                let daemon = harness.daemon
                let webhook = GitHubWebhook(secret: Self.secret, branch: "main", marker: "", control: daemon,
                                            logger: Logger(label: "webhook-test"))
                try await AdminServerHarness.serve(control: daemon, webhook: webhook) { port in
                    #expect(try await harness.deploy(v1).outcome == .succeeded)
                    let v2 = try await repository.commit("v2", simulate: nil)
                    let first = try await Self.push(port: port, after: v2, delivery: "delivery-v2")
                    let v2Deployment = try #require(first.body["deployment"] as? Int, "\(first.body)")
                    #expect(try await harness.waitForOutcome(of: v2Deployment).outcome == .succeeded)
                    let v3 = try await repository.commit("v3", simulate: nil)
                    let second = try await Self.push(port: port, after: v3, delivery: "delivery-v3")
                    let v3Deployment = try #require(second.body["deployment"] as? Int, "\(second.body)")
                    #expect(try await harness.waitForOutcome(of: v3Deployment).outcome == .succeeded)
                    let deployments = try await daemon.history(limit: 100).count

                    let replay = try await Self.push(port: port, after: v2, delivery: "delivery-v2-resent")
                    #expect(replay.status == 200)
                    let replayReason = try #require(replay.body["ignored"] as? String, "\(replay.body)")
                    #expect(replayReason.contains("\(v2.prefix(12)) does not descend from \(v3.prefix(12))"), "\(replayReason)")

                    let serving = try await Self.push(port: port, after: v3, delivery: "delivery-v3-again")
                    #expect((serving.body["ignored"] as? String)?.contains("already serves") == true, "\(serving.body)")

                    try await BotRepository.git(["push", "--quiet", "--force", repository.url, "\(v1):refs/heads/main"],
                                                in: repository.workingCopy)
                    let rewind = try await Self.push(port: port, after: v1, delivery: "delivery-rewind")
                    #expect((rewind.body["ignored"] as? String)?.contains("force-push") == true, "\(rewind.body)")

                    #expect(try await daemon.history(limit: 100).count == deployments, "no deployment was made")
                    let status = await daemon.status()
                    #expect(status.revision?.rawValue == v3)
                    #expect(status.state == .idle)
                }
            }
        }
    }
}
