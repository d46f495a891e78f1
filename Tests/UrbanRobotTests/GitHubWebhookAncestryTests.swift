@testable import AdminAPI
import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Synchronization
import Testing

/// The webhook's ancestry rule over a scripted control: which pushed revisions move the fleet forward.
/// (`GitHubWebhookDowngradeTests` proves it against a real daemon and repository.)
@Suite("GitHub webhook ancestry", .serialized, .timeLimit(.minutes(2)))
struct GitHubWebhookAncestryTests {
    typealias Route = GitHubWebhookRouteTests
    static let older = String(repeating: "0", count: 39) + "1"

    /// Posts a signed push of `after` as delivery `delivery`.
    static func push(_ server: AdminServerHarness, after: String, delivery: String) async throws -> (status: Int, body: [String: Any]) {
        let body = Route.push(after: after)
        return try await Route.post(server, delivery: delivery, body: body,
                                    signature: GitHubSignature.header(body: body, secret: Route.secret))
    }

    @Test("a revision the serving fleet does not descend to is ignored with the reason; nothing is requested")
    func notADescendant() async throws {
        try await AdminServerHarness.run(control: Route.control(), webhook: Route.webhook()) { server in
            let answer = try await Self.push(server, after: Self.older, delivery: "s-1")
            #expect(answer.status == 200)
            let reason = try #require(answer.body["ignored"] as? String)
            #expect(reason.contains("does not descend from") && reason.contains(String(Self.older.prefix(12))), "\(reason)")
            #expect(server.control.requests.isEmpty)
            #expect(server.control.calls.first == "fetch", "the mirror is fetched before the check")
        }
    }

    @Test("the revision that already serves, or that the running deployment rolls out, is a no-op")
    func alreadyServing() async throws {
        try await AdminServerHarness.run(control: Route.control(), webhook: Route.webhook()) { server in
            server.control.state.withLock { $0.status = Fixtures.status(revision: Route.tip) }
            let serving = try await Self.push(server, after: Route.tip, delivery: "n-1")
            #expect((serving.body["ignored"] as? String)?.contains("already serves") == true, "\(serving.body)")
            server.control.state.withLock { $0.status = Fixtures.status(revision: nil, deploymentRevision: Route.tip) }
            let running = try await Self.push(server, after: Route.tip, delivery: "n-2")
            #expect((running.body["ignored"] as? String)?.contains("already being deployed (deployment 6)") == true,
                    "\(running.body)")
            #expect(server.control.requests.isEmpty)
        }
    }

    @Test("with nothing serving, the branch tip deploys and an ancestor of it is ignored")
    func nothingServing() async throws {
        let control = Route.control()
        control.state.withLock { state in
            state.status = Fixtures.status(revision: nil)
            for index in state.status.instances.indices { state.status.instances[index].active = nil }
            state.ancestors[Route.tip] = [Self.older]
        }
        try await AdminServerHarness.run(control: control, webhook: Route.webhook()) { server in
            let stale = try await Self.push(server, after: Self.older, delivery: "e-1")
            #expect((stale.body["ignored"] as? String)?.contains("the branch tip \(Route.tip.prefix(12))") == true,
                    "\(stale.body)")
            let tip = try await Self.push(server, after: Route.tip, delivery: "e-2")
            #expect(tip.body["deployment"] as? Int == 7)
            #expect(server.control.requests.map(\.ref) == [Route.tip])
        }
    }

    @Test("an unmanaged active serves no revision to descend from: the tip is checked against the others")
    func unmanagedActive() async throws {
        let control = Route.control()
        control.state.withLock { state in
            state.status = Fixtures.status(revision: nil)
            state.status.instances[0].active?.revision = Revision(rawValue: "unmanaged")
        }
        try await AdminServerHarness.run(control: control, webhook: Route.webhook()) { server in
            let answer = try await Self.push(server, after: Route.tip, delivery: "u-1")
            #expect(answer.body["deployment"] as? Int == 7, "\(answer.body)")
            #expect(!server.control.calls.contains { $0.hasSuffix(" unmanaged") })
        }
    }

    @Test("a source that cannot be fetched: 500 with the error, nothing requested")
    func fetchFails() async throws {
        let control = Route.control()
        control.state.withLock { $0.tips = [.failure(DaemonControlError(code: .invalid, message: "the source is unreachable"))] }
        try await AdminServerHarness.run(control: control, webhook: Route.webhook()) { server in
            let answer = try await Self.push(server, after: Route.tip, delivery: "f-1")
            #expect(answer.status == 500)
            #expect((answer.body["error"] as? String)?.contains("unreachable") == true, "\(answer.body)")
            #expect(server.control.requests.isEmpty)
        }
    }
}
