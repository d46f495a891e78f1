import Deployer
import Foundation
import FleetTypes
import Testing

@Suite struct HealthPolicyTests {
    let policy = HealthPolicy(vitalCogs: ["music", "db"], minPercent: 80)

    @Test func anOKReportPassesWhateverItsCogs() {
        #expect(policy.judge(HealthReport(ok: true, percent: 0, cogs: [:])) == nil)
    }

    @Test func aReportThatIsNotOKPassesWithItsVitalCogsAndEnoughPercent() {
        #expect(policy.judge(HealthReport(ok: false, percent: 80, cogs: ["music": true, "db": true, "x": false])) == nil)
    }

    @Test func aMissingOrFalseVitalCogFailsNamingIt() {
        let reason = policy.judge(HealthReport(ok: false, percent: 100, cogs: ["music": false]))
        #expect(reason == .vitalCogFailure(cogs: ["music", "db"]))
        #expect(reason?.code == "vital_cog_failure")
    }

    @Test func tooLowAPercentFails() {
        let reason = policy.judge(HealthReport(ok: false, percent: 79.5, cogs: ["music": true, "db": true]))
        #expect(reason == .healthCheckFailure(percent: 79.5))
        #expect(reason?.code == "health_check_failure")
    }

    @Test func theDefaultPolicyWantsEverythingWhenNotOK() {
        #expect(HealthPolicy().judge(HealthReport(ok: false, percent: 99)) == .healthCheckFailure(percent: 99))
        #expect(HealthPolicy().judge(HealthReport(ok: false, percent: 100)) == nil)
    }

    @Test func theReportDecodesFromTheWirePayload() throws {
        let json = #"{"OK": false, "percent": 90, "cogs": {"music": true}, "details": {"latency": 12}}"#
        let report = try JSONDecoder().decode(HealthReport.self, from: Data(json.utf8))
        #expect(report == HealthReport(ok: false, percent: 90, cogs: ["music": true]))
    }

    @Test func everyReasonHasItsProtocolName() {
        let codes: [FailureReason: String] = [
            .identifyTimeout: "identify_timeout", .readyTimeout: "ready_timeout",
            .healthCheckTimeout: "health_check_timeout", .exited(.exited(code: 3)): "exited", .disconnected: "disconnected",
            .unauthorized: "unauthorized",
        ]
        for (reason, code) in codes { #expect(reason.code == code) }
        #expect(FailureReason.exited(.exited(code: 3)).description == "exited (exit code 3)")
    }
}

@Suite struct SecretsTests {
    @Test func aLaunchOrderNeverPrintsItsKey() {
        let order = LaunchOrder(client: ClientID(instance: 0, launch: 1), instance: 0, shardCount: 1, revision: .v1, key: "s3cr3t-key")
        for text in ["\(order)", String(reflecting: order), "\(DeployerAction.launch(order))", String(reflecting: DeployerAction.launch(order))] {
            #expect(!text.contains("s3cr3t-key"), "\(text)")
        }
    }

    @Test func keyHashesMatchOnlyTheirKey() {
        let hash = KeyHash(key: "abc")
        #expect(hash.matches("abc"))
        #expect(!hash.matches("abd"))
        #expect(!hash.matches(""))
        var source = SystemKeySource()
        let keys = (0..<3).map { _ in source.nextKey(for: ClientID(rawValue: "shard-0.1")) }
        #expect(Set(keys).count == 3)
        #expect(keys.allSatisfy { $0.count == 64 })
    }

    @Test func derivedKeysAreTheSameForAClientAndSecretAndDifferOtherwise() {
        let (first, second) = (ClientID(rawValue: "shard-0.1"), ClientID(rawValue: "shard-0.2"))
        var source = DerivedKeySource(secret: "secret-a")
        let key = source.nextKey(for: first)
        #expect(key.count == 64 && key.allSatisfy(\.isHexDigit) && key == key.lowercased())
        #expect(DerivedKeySource(secret: "secret-a").key(for: first) == key, "a restarted daemon tells the same key")
        #expect(source.nextKey(for: second) != key)
        #expect(DerivedKeySource(secret: "secret-b").key(for: first) != key)
        // HMAC-SHA256("secret-a", "shard-0.1"), as `openssl dgst -sha256 -hmac secret-a` computes it.
        #expect(key == "85d24b990d24c768cee97b30e7e254ed94c7d15f70a355cec0e10f2bc3dd59d3")
    }
}
