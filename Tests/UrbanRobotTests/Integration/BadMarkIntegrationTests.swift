@testable import AdminAPI
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import TestSupport
import Testing

/// A bad mark's whole life with real bots: a revision that needs a secret fails its health check and is marked bad
/// (SQLite, the mirror's ref, `status`); the operator adds the secret to `[bot] env` (outside the commit) and restarts
/// the daemon, which still knows the mark; `deploy --force` succeeds and the mark is gone from all three.
@Suite("Integration: bad marks", .serialized)
struct BadMarkIntegrationTests {
    @Test("v2 fails its health check without PAYMENTS_KEY and is marked bad; with the key in [bot] env, a forced deploy of the same v2 succeeds and clears the mark from SQLite, the mirror and status")
    func forcedDeploymentClearsTheMark() async throws {
        try await Scenario.run { scenario in
            let (repository, v1) = (scenario.repository, scenario.v1)
            let (v2, state, port) = try await scenario.withDaemon(instances: 1) { first async throws -> (String, String, Int) in
                #expect(try await first.deploy(v1).outcome == .succeeded)
                let v2 = try await repository.commit("v2 needs a secret", simulate: #"{"requires_env": "PAYMENTS_KEY"}"#)
                let failed = try await first.deploy(v2)
                #expect(failed.outcome == .rolledBack, "\(failed.reason ?? "")")

                let state = first.configuration.state.directory
                let mark = try #require(try DeployerStore(path: "\(state)/state.sqlite").badRevisions()[Revision(v2)])
                #expect(mark.reason.contains("health_check_failure"), "\(mark.reason)")
                _ = try await first.poll("the mirror's bad ref of v2", timeout: .seconds(30)) {
                    try await Self.hasBadRef(v2, in: state) ? true : nil
                }
                let marked = await first.daemon.status()
                #expect(marked.bad.map(\.revision.rawValue) == [v2])
                #expect(marked.bad.first?.reason == mark.reason)
                let refused = await #expect(throws: DaemonControlError.self) {
                    _ = try await first.daemon.requestDeployment(DeploymentRequest(ref: v2, trigger: .push))
                }
                #expect(refused?.message.hasPrefix("revision \(v2) is marked bad") == true, "\(String(describing: refused))")
                return (v2, state, await first.daemon.channelPort)
            }

            // The operator fixes the environment (not the commit) and restarts the daemon: the mark is recovered.
            try await scenario.withDaemon(instances: 1, port: port, adjust: { $0.bot.environment["PAYMENTS_KEY"] = "present" }) { second in
                let store = try DeployerStore(path: "\(state)/state.sqlite")
                _ = try await second.poll("the v1 bot to reconnect", timeout: .seconds(60)) {
                    second.daemon.channelSessionCount == 1 ? true : nil
                }
                #expect(await second.daemon.status().bad.map(\.revision.rawValue) == [v2], "the mark survives the restart")
                let id = try await second.daemon.requestDeployment(
                    DeploymentRequest(ref: v2, trigger: .push, who: "test", force: true))
                let forced = try await second.waitForOutcome(of: id)
                #expect(forced.outcome == .succeeded, "\(forced.reason ?? "")")
                #expect(await second.daemon.status().revision?.rawValue == v2)

                #expect(try store.badRevisions().isEmpty)
                _ = try await second.poll("the mirror's bad ref of v2 to go", timeout: .seconds(30)) {
                    try await Self.hasBadRef(v2, in: state) ? nil : true
                }
                let cleared = await second.daemon.status()
                #expect(cleared.bad.isEmpty)
                let json = try #require(
                    try JSONSerialization.jsonObject(with: StatusSnapshot.encoder.encode(cleared)) as? [String: Any])
                #expect((json["bad"] as? [Any])?.isEmpty == true, "\(json["bad"] ?? "no bad key")")
                let trail = try store.events(deployment: id).map(\.kind)
                #expect(trail.contains("revision.unmarked_bad") && trail.contains("action.unmark_bad"), "\(trail)")
            }
        }
    }

    /// Whether the mirror in `state` has `refs/urban-robot/bad/<revision>` (the git CLI, not libgit2).
    private static func hasBadRef(_ revision: String, in state: String) async throws -> Bool {
        let result = try await Command.run([
            "git", "--git-dir", "\(state)/repo.git", "show-ref", "--verify", "--quiet", "refs/urban-robot/bad/\(revision)",
        ])
        return result.status == 0
    }
}
