/// What the demo checks at each step; the failures it collects make it exit 1.
struct DemoStory {
    private(set) var failures: [String] = []

    /// Checks the outcome of the step's deployment.
    mutating func expect(_ deployment: DemoFleetProbe.Deployment, revision: String, outcome: String, step: String) {
        let reason = deployment.reason.isEmpty ? "" : " (\(deployment.reason))"
        print("    \(step): deployment of \(revision.prefix(12)) ended \(deployment.outcome)\(reason)")
        if deployment.revision != revision || deployment.outcome != outcome {
            failures.append("\(step): expected \(revision.prefix(12)) to end \(outcome), "
                + "the newest deployment is \(deployment.revision.prefix(12)) \(deployment.outcome)\(reason)")
        }
    }

    /// Checks that every instance had an active client in every sample.
    mutating func expectServedThroughout(_ coverage: DemoFleetProbe.Coverage, step: String) {
        print("    \(step): \(coverage.samples) status samples during the push, "
            + (coverage.gaps.isEmpty ? "every instance had an active client in each" : "\(coverage.gaps.count) gaps"))
        if coverage.samples == 0 { failures.append("\(step): no status sample was taken during the push") }
        failures.append(contentsOf: coverage.gaps.map { "\(step): \($0)" })
    }

    /// Checks that the whole fleet is active on `revision`.
    mutating func expectFleet(on revision: String, status: [String: Any], step: String) {
        let fleetRevision = status["revision"] as? String ?? "mixed"
        if fleetRevision != revision {
            failures.append("\(step): the fleet is on \(fleetRevision.prefix(12)), expected \(revision.prefix(12))")
        }
    }

    /// Records `message` as a failure unless `condition` holds.
    mutating func expect(_ condition: Bool, _ message: String) {
        if !condition { failures.append(message) }
    }
}
