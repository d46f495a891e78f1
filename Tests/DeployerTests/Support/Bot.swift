import Deployer
import FleetTypes

/// How the simulated bots of one revision behave.
struct Bot: Sendable {
    var launchFails = false
    var identifies = true
    var readies = true
    /// The answer to `cmd health_check`; `nil` never answers.
    var report: HealthReport? = .healthy
    var confirmsComa = true

    static let healthy = Bot()
    static let unhealthy = Bot(report: HealthReport(ok: false, percent: 40))
    static let silent = Bot(identifies: false)
}

extension HealthReport {
    static let healthy = HealthReport(ok: true, percent: 100, cogs: ["music": true])
}

/// Keys `key-1`, `key-2`, ...: deterministic randomness for tests.
struct CountingKeySource: KeySource {
    var count = 0
    mutating func nextKey(for client: ClientID) -> String {
        count += 1
        return "key-\(count)"
    }
}

extension Revision {
    static let v1 = Revision("1111111111111111111111111111111111111111")
    static let v2 = Revision("2222222222222222222222222222222222222222")
    static let v3 = Revision("3333333333333333333333333333333333333333")
    static let v4 = Revision("4444444444444444444444444444444444444444")
}
