import AdminAPI
import FleetDaemon
import Foundation
import Testing

@Suite("GitHub webhook")
struct GitHubWebhookTests {
    // The example of GitHub's documentation "Validating webhook deliveries".
    private let documentedSecret = Array("It's a Secret to Everybody".utf8)
    private let documentedBody = Array("Hello, World!".utf8)
    private let documentedHeader = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    @Test("GitHub's documented signature is valid")
    func documentedExample() {
        #expect(GitHubSignature.header(body: documentedBody, secret: documentedSecret) == documentedHeader)
        #expect(GitHubSignature.isValid(header: documentedHeader, body: documentedBody, secret: documentedSecret))
    }

    @Test("a wrong, truncated, malformed or missing signature is refused", arguments: [
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e",
        "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        "",
    ])
    func refused(header: String) {
        #expect(!GitHubSignature.isValid(header: header, body: documentedBody, secret: documentedSecret))
    }

    @Test("a missing header or another body is refused")
    func otherBody() {
        #expect(!GitHubSignature.isValid(header: nil, body: documentedBody, secret: documentedSecret))
        #expect(!GitHubSignature.isValid(header: documentedHeader, body: Array("Hello, World?".utf8), secret: documentedSecret))
    }

    @Test("a replayed delivery is recognised, and the ledger stays bounded")
    func deliveries() {
        var ledger = DeliveryLedger(capacity: 2)
        var sightings: [Bool] = []
        for id in ["a", "a", "b", "c", "c", "b", "a"] {
            sightings.append(ledger.recordFirstSighting(of: id))
        }
        // "a" is forgotten once "c" arrives past the capacity of two, so its last sighting is new again.
        #expect(sightings == [true, false, true, true, false, false, true])
    }

    private let revision = "0123456789abcdef0123456789abcdef01234567"

    private func push(ref: String = "refs/heads/main", after: String? = nil, deleted: Bool = false,
                      message: String = "[DEPLOY] fix the music cog\n\nlonger text") -> Data {
        let body: [String: Any] = [
            "ref": ref, "after": after ?? revision, "deleted": deleted,
            "head_commit": ["id": after ?? revision, "message": message],
        ]
        return try! JSONSerialization.data(withJSONObject: body)
    }

    @Test("a push to the branch deploys its head")
    func deploysHead() throws {
        let decision = try GitHubPushDecision.decide(event: "push", body: push(), branch: "main", marker: "")
        #expect(decision == .deploy(revision: revision, subject: "[DEPLOY] fix the music cog"))
    }

    @Test("ping is answered, other events and branches ignored")
    func ignores() throws {
        #expect(try GitHubPushDecision.decide(event: "ping", body: Data("{}".utf8), branch: "main", marker: "") == .pong)
        #expect(try GitHubPushDecision.decide(event: "issues", body: Data("{}".utf8), branch: "main", marker: "")
            == .ignore(reason: "event 'issues' is not a push"))
        let other = try GitHubPushDecision.decide(event: "push", body: push(ref: "refs/heads/dev"), branch: "main", marker: "")
        #expect(other == .ignore(reason: "push to refs/heads/dev, not to the configured branch main"))
        let deleted = try GitHubPushDecision.decide(
            event: "push", body: push(after: String(repeating: "0", count: 40), deleted: true), branch: "main", marker: "")
        #expect(deleted == .ignore(reason: "the branch main was deleted"))
    }

    @Test("the marker filters commits")
    func marker() throws {
        let marked = try GitHubPushDecision.decide(event: "push", body: push(), branch: "main", marker: "[DEPLOY]")
        #expect(marked == .deploy(revision: revision, subject: "[DEPLOY] fix the music cog"))
        let unmarked = try GitHubPushDecision.decide(event: "push", body: push(message: "wip"), branch: "main", marker: "[DEPLOY]")
        #expect(unmarked == .ignore(reason: "the head commit's message does not start with [DEPLOY]"))
    }

    @Test("a push body that is not GitHub's is an error")
    func malformedPush() {
        #expect(throws: GitHubPayloadError.self) {
            try GitHubPushDecision.decide(event: "push", body: Data("[1,2]".utf8), branch: "main", marker: "")
        }
    }
}

@Suite("Admin token")
struct AdminTokenTests {
    @Test("created once with mode 0600, then read back; only the exact bearer token authorizes")
    func createAndAuthorize() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("ur-token-\(UUID().uuidString)/state").path
        defer { try? FileManager.default.removeItem(atPath: (state as NSString).deletingLastPathComponent) }
        let created = try AdminToken.loadOrCreate(stateDirectory: state)
        #expect(created.value.count == 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: AdminToken.path(stateDirectory: state))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try AdminToken.loadOrCreate(stateDirectory: state) == created)
        #expect(try AdminToken.load(stateDirectory: state) == created)
        #expect(created.authorizes(header: "Bearer \(created.value)"))
        #expect(!created.authorizes(header: nil))
        #expect(!created.authorizes(header: created.value))
        #expect(!created.authorizes(header: "Bearer \(created.value.dropLast())"))
        #expect(!created.authorizes(header: "Bearer \(created.value)0"))
        #expect(!created.authorizes(header: "Bearer " + String(repeating: "0", count: 64)))
    }

    @Test("a missing token file says how to get one")
    func missing() {
        #expect {
            try AdminToken.load(stateDirectory: "/nonexistent/ur-\(UUID().uuidString)")
        } throws: { error in
            (error as? AdminTokenError)?.description.contains("urban-robot serve") == true
        }
    }
}
