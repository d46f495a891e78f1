@testable import AdminAPI
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// The daemon driven into `halted` for real (`max_auto_rollbacks` exceeded by two rollouts of real bots that crash
/// after they started serving: what counts as flapping; a gate failure would not), the
/// `halted` notification on a real webhook, the fleet still serving, and `resume`.
@Suite("Integration: halted", .serialized)
struct HaltIntegrationTests {
    @Test("past max_auto_rollbacks the daemon halts: the webhook hears `halted` with the reason, status says why, the fleet keeps serving v1, automatic deploys are refused until resume")
    func haltNotifiedAndResumed() async throws {
        let notifications = WebhookReceiver()
        try await notifications.withServer { notifyURL in
            try await haltNotifiedAndResumed(notifyURL: notifyURL, notifications: notifications)
        }
    }

    private func haltNotifiedAndResumed(notifyURL: String, notifications: WebhookReceiver) async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 2, notifyURL: notifyURL, adjust: { $0.rollout.maxAutoRollbacks = 1 }) { harness in
                let (repository, v1) = (scenario.repository, scenario.v1)
                let first = try await harness.deploy(v1)
                #expect(first.outcome == .succeeded, "\(first.reason ?? "")")
                let serving = await harness.daemon.status()

                // The first failing rollout is the one automatic rollback an hour allows: rolled back, not halted.
                let v2 = try await repository.commit("v2 crashes", simulate: #"{"crash_after_promotion": 0.5}"#)
                let second = try await harness.deploy(v2)
                #expect(second.outcome == .rolledBack, "\(second.reason ?? "")")
                #expect(await harness.daemon.status().state == .idle)

                // The second one is still undone, and the daemon halts rather than flap.
                let v3 = try await repository.commit("v3 crashes too", simulate: #"{"crash_after_promotion": 0.5, "percent": 30}"#)
                let third = try await harness.deploy(v3)
                #expect(third.outcome == .rolledBack, "\(third.reason ?? "")")
                let halted = try await harness.poll("the daemon to say it is halted", timeout: .seconds(30)) {
                    let status = await harness.daemon.status()
                    return status.state == .halted ? status : nil
                }
                let reason = try #require(halted.haltReason)
                #expect(reason == "more than 1 automatic rollbacks within an hour")
                let json = try #require(
                    try JSONSerialization.jsonObject(with: StatusSnapshot.encoder.encode(halted)) as? [String: Any])
                #expect(json["state"] as? String == "halted" && json["halt_reason"] as? String == reason)

                // The fleet still serves v1 with the clients it had, and their processes run.
                #expect(halted.revision?.rawValue == v1)
                for instance in halted.instances {
                    let active = try #require(instance.active, "instance \(instance.instance) has no active client")
                    #expect(active.revision.rawValue == v1 && active.state == "serving", "\(active)")
                    #expect(active.client == serving.instances[instance.instance].active?.client)
                    let pid = try #require(active.pid)
                    #expect(kill(pid, 0) == 0, "the active of instance \(instance.instance) (pid \(pid)) is gone")
                    #expect(instance.standby == nil && instance.candidate == nil)
                }
                // The retired v3 canary's socket closes once its stop has run; the two actives' stay.
                _ = try await harness.poll("only the two actives to hold a socket", timeout: .seconds(30)) {
                    harness.daemon.channelSessionCount == 2 ? true : nil
                }

                // The generic webhook heard the halt, between the third deployment's start and its rollback.
                let heard = try await harness.poll("the halted notification and the rollback after it", timeout: .seconds(30)) {
                    let events = notifications.receivedObjects
                    return events.contains { $0["event"] as? String == "halted" } && events.count >= 8 ? events : nil
                }
                #expect(heard.map { "\($0["deployment"] as? Int ?? -1) \($0["event"] as? String ?? "?")" } == [
                    "\(first.id) deploy_started", "\(first.id) canary_passed", "\(first.id) succeeded",
                    "\(second.id) deploy_started", "\(second.id) rolled_back",
                    "\(third.id) deploy_started", "\(third.id) halted", "\(third.id) rolled_back",
                ])
                let notice = try #require(heard.first { $0["event"] as? String == "halted" })
                #expect(notice["reason"] as? String == reason)
                #expect(notice["revision"] as? String == v3)
                #expect(notice["trigger"] as? String == "cli")
                #expect(notice["bot"] as? String == "source")

                // Automatic deploys are refused while halted; resume clears it, and they run again.
                let v4 = try await repository.commit("v4", simulate: nil)
                let refused = await #expect(throws: DaemonControlError.self) {
                    _ = try await harness.daemon.requestDeployment(DeploymentRequest(ref: v4, trigger: .push))
                }
                #expect(refused?.code == .refused && refused?.message.contains("halted") == true, "\(String(describing: refused))")
                try await harness.daemon.perform(.resume)
                let resumed = await harness.daemon.status()
                #expect(resumed.state == .idle && resumed.haltReason == nil)
                let again = await #expect(throws: DaemonControlError.self) { try await harness.daemon.perform(.resume) }
                #expect(again?.code == .refused)
                let pushed = try await harness.daemon.requestDeployment(DeploymentRequest(ref: v4, trigger: .push))
                let fourth = try await harness.waitForOutcome(of: pushed)
                #expect(fourth.outcome == .succeeded, "\(fourth.reason ?? "")")
                #expect(await harness.daemon.status().revision?.rawValue == v4)
            }
        }
    }
}
