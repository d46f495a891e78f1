import AdminAPI
import Deployer
@testable import FleetConfiguration
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// The release's build output reaches the deployment's followers as it comes (`deploy`, the push hook), line by
/// line, while the build still runs, and stays out of the stored trail (the build log keeps it).
@Suite("Integration: build output in the progress", .serialized)
struct BuildOutputIntegrationTests {
    @Test("each line of `bot.build` is a build.output event of the followed deployment, sent before the build ends")
    func buildLinesAreFollowedAsTheyCome() async throws {
        try await Scenario.run { scenario in
            let first = "\(scenario.folder)/first-line-seen"
            let start = "\(scenario.folder)/build-may-start"
            // It waits to be followed, prints a line, and ends only once the test saw that line in the stream.
            let build = "while [ ! -e \(start) ]; do sleep 0.05; done; echo 'Step 1/2 : compiling'; "
                + "while [ ! -e \(first) ]; do sleep 0.05; done; printf 'Step 2/2 : \\033[31mlinking\\033[0m\\n\\n'"
            try await scenario.withDaemon(instances: 1, adjust: { $0.bot.build = ["sh", "-c", build] }) { harness in
                let id = try await harness.daemon.requestDeployment(DeploymentRequest(ref: scenario.v1, trigger: .cli, who: "test"))
                var events: [ProgressEvent] = []
                for try await event in try await harness.daemon.progress(deployment: id, follow: true) {
                    events.append(event)
                    if event.kind == "deployment.started" { try "".write(toFile: start, atomically: true, encoding: .utf8) }
                    if event.detail["line"] == "Step 1/2 : compiling" {
                        #expect(!events.contains { $0.kind == "release.prepared" }, "the line came while the build ran")
                        try "".write(toFile: first, atomically: true, encoding: .utf8)
                    }
                }
                let lines = events.filter { $0.kind == ProgressEvent.buildOutputKind }
                #expect(lines.map(\.message) == ["build: Step 1/2 : compiling", "build: Step 2/2 : ?[31mlinking?[0m"])
                #expect(lines.allSatisfy { $0.deployment == id && $0.detail["revision"] == scenario.v1 })
                let kinds = events.map(\.kind)
                let prepared = try #require(kinds.firstIndex(of: "release.prepared"))
                #expect(kinds.lastIndex(of: ProgressEvent.buildOutputKind).map { $0 < prepared } == true, "\(kinds)")
                #expect(events.last?.detail["outcome"] == "succeeded")

                let stored = try await harness.daemon.progress(deployment: id, follow: false)
                var storedKinds: [String] = []
                for try await event in stored { storedKinds.append(event.kind) }
                #expect(!storedKinds.contains(ProgressEvent.buildOutputKind), "the trail does not keep them")
            }
        }
    }
}
