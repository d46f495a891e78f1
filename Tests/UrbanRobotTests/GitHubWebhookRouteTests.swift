@testable import AdminAPI
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import Logging
import NIOHTTP1
import Synchronization
import Testing

@Suite("GitHub webhook route", .serialized, .timeLimit(.minutes(2)))
struct GitHubWebhookRouteTests {
    static let secret = Array("webhook secret".utf8)
    static let tip = String(repeating: "c", count: 40)

    static func webhook(marker: String = "") -> (TestDaemonControl) -> GitHubWebhook? {
        { control in GitHubWebhook(secret: secret, branch: "main", marker: marker, control: control, logger: Logger(label: "test")) }
    }

    /// A control whose branch tip is ``tip``, a descendant of both revisions the fixture's fleet serves.
    static func control() -> TestDaemonControl {
        let control = TestDaemonControl()
        control.state.withLock { state in
            state.tips = [.success(tip)]
            state.ancestors[tip] = [Fixtures.revisionA, Fixtures.revisionB]
        }
        return control
    }

    static func push(ref: String = "refs/heads/main", after: String = tip, message: String = "Fix the dice cog") -> [UInt8] {
        let body: [String: Any] = ["ref": ref, "after": after, "deleted": false, "head_commit": ["message": message]]
        return Array(try! JSONSerialization.data(withJSONObject: body))
    }

    static func post(_ server: AdminServerHarness, event: String = "push", delivery: String, body: [UInt8],
                     signature: String?) async throws -> (status: Int, body: [String: Any]) {
        try await post(port: server.port, event: event, delivery: delivery, body: body, signature: signature)
    }

    /// Posts one delivery to the server on `port`, without a bearer token, as GitHub does.
    static func post(port: Int, event: String = "push", delivery: String, body: [UInt8],
                     signature: String?) async throws -> (status: Int, body: [String: Any]) {
        var headers = [("X-GitHub-Event", event), ("X-GitHub-Delivery", delivery), ("Content-Type", "application/json")]
        if let signature { headers.append(("X-Hub-Signature-256", signature)) }
        let answer = try await AdminServerHarness.request(port: port, .POST, "/hooks/github", token: nil, headers: headers,
                                                          body: body)
        return (answer.status, try AdminServerHarness.object(answer.body))
    }

    @Test("a signed push deploys the tip as trigger webhook; a replay of the delivery is ignored")
    func signedPush() async throws {
        try await AdminServerHarness.run(control: Self.control(), webhook: Self.webhook()) { server in
            let body = Self.push()
            let signature = GitHubSignature.header(body: body, secret: Self.secret)
            let answer = try await Self.post(server, delivery: "d-1", body: body, signature: signature)
            #expect(answer.status == 200)
            #expect(answer.body["deployment"] as? Int == 7)
            #expect(server.control.requests == [DeploymentRequest(ref: Self.tip, trigger: .webhook, who: "github:d-1")])
            let replay = try await Self.post(server, delivery: "d-1", body: body, signature: signature)
            #expect(replay.status == 200)
            #expect((replay.body["ignored"] as? String)?.contains("d-1") == true)
            #expect(server.control.requests.count == 1)
        }
    }

    @Test("a bad or missing signature: 401, nothing requested, and the delivery is not spent")
    func badSignature() async throws {
        try await AdminServerHarness.run(control: Self.control(), webhook: Self.webhook()) { server in
            let body = Self.push()
            let wrong = GitHubSignature.header(body: body, secret: Array("other".utf8))
            let tampered = GitHubSignature.header(body: Self.push(message: "other"), secret: Self.secret)
            for signature in [wrong, nil, tampered] {
                let answer = try await Self.post(server, delivery: "d-2", body: body, signature: signature)
                #expect(answer.status == 401)
            }
            #expect(server.control.calls.isEmpty)
            let good = GitHubSignature.header(body: body, secret: Self.secret)
            let accepted = try await Self.post(server, delivery: "d-2", body: body, signature: good)
            #expect(accepted.body["deployment"] as? Int == 7)
        }
    }

    @Test("ping answers pong; another branch and a missing marker are ignored")
    func pingBranchMarker() async throws {
        try await AdminServerHarness.run(control: Self.control(), webhook: Self.webhook(marker: "[DEPLOY]")) { server in
            let ping = Array(#"{"zen": "Keep it logically awesome."}"#.utf8)
            let pong = try await Self.post(server, event: "ping", delivery: "p-1", body: ping,
                                           signature: GitHubSignature.header(body: ping, secret: Self.secret))
            #expect(pong.status == 200)
            #expect(pong.body["pong"] as? Bool == true)
            let other = Self.push(ref: "refs/heads/feature", message: "[DEPLOY] x")
            let ignored = try await Self.post(server, delivery: "b-1", body: other,
                                              signature: GitHubSignature.header(body: other, secret: Self.secret))
            #expect((ignored.body["ignored"] as? String)?.contains("refs/heads/feature") == true)
            let unmarked = Self.push(message: "Fix the dice cog")
            let noMarker = try await Self.post(server, delivery: "m-1", body: unmarked,
                                               signature: GitHubSignature.header(body: unmarked, secret: Self.secret))
            #expect((noMarker.body["ignored"] as? String)?.contains("[DEPLOY]") == true)
            #expect(server.control.requests.isEmpty)
            let marked = Self.push(message: "[DEPLOY] Fix the dice cog")
            let deployed = try await Self.post(server, delivery: "m-2", body: marked,
                                               signature: GitHubSignature.header(body: marked, secret: Self.secret))
            #expect(deployed.body["deployment"] as? Int == 7)
        }
    }

    @Test("a refused deployment answers 409 with the daemon's reason")
    func refused() async throws {
        try await AdminServerHarness.run(control: Self.control(), webhook: Self.webhook()) { server in
            server.control.state.withLock { $0.refusal = DaemonControlError(code: .refused, message: "revision is marked bad") }
            let body = Self.push()
            let answer = try await Self.post(server, delivery: "r-1", body: body,
                                             signature: GitHubSignature.header(body: body, secret: Self.secret))
            #expect(answer.status == 409)
            #expect(answer.body["error"] as? String == "revision is marked bad")
        }
    }

    @Test("the webhook is off without a secret file: 404, without a token too")
    func off() async throws {
        try await AdminServerHarness.run { server in
            let body = Self.push()
            let answer = try await Self.post(server, delivery: "o-1", body: body,
                                             signature: GitHubSignature.header(body: body, secret: Self.secret))
            #expect(answer.status == 404)
            #expect(server.control.calls.isEmpty)
        }
        var configuration = Configuration()
        #expect(try GitHubWebhook.load(configuration: configuration, control: TestDaemonControl(), logger: Logger(label: "t")) == nil)
        configuration.webhook.githubSecretFile = "/nonexistent/secret"
        #expect(throws: WebhookSecretError.self) {
            _ = try GitHubWebhook.load(configuration: configuration, control: TestDaemonControl(), logger: Logger(label: "t"))
        }
    }
}
