@testable import AdminAPI
import Deployer
@testable import FleetOperator
import Foundation
import Synchronization
import Testing

@Suite("Deployment follower", .serialized, .timeLimit(.minutes(2)))
struct DeploymentFollowerTests {
    @Test("plain verbose mode: one line per event, the outcome and reason of the finished event")
    func plain() async throws {
        let control = TestDaemonControl()
        control.emit(Fixtures.event("deployment.started", "deployment #6 of main started (push)"))
        control.emit(Fixtures.event("gate.failed", "shard-0.5 failed its gate: health check not OK", instance: 0, client: "shard-0.5"))
        control.emit(Fixtures.event(ProgressEvent.finishedKind, "deployment #6 rolled back",
                                    detail: ["outcome": "rolled-back", "reason": "canary failed its health check"]))
        let output = TextOutput()
        let result = try await AdminServerHarness.run(control: control) { server in
            try await DeploymentFollower(client: server.client, terminal: false, verbose: true) { output.write($0) }.follow(deployment: 6)
        }
        #expect(result == .init(outcome: "rolled-back", reason: "canary failed its health check", facts: "0s"))
        #expect(!result.succeeded)
        #expect(output.text.withLock { $0 } == """
            deployment #6 of main started (push)
            shard-0.5 failed its gate: health check not OK
            deployment #6 rolled back

            """)
    }

    @Test("a failed deployment's finished event brings the failing client's log, printed above the outcome")
    func failureLogTail() async throws {
        let control = TestDaemonControl()
        control.emit(Fixtures.event("deployment.started", "deployment #6 of main started (push)"))
        control.emit(Fixtures.event(ProgressEvent.finishedKind, "deployment #6 rolled back", instance: 0, client: "shard-0.5",
                                    detail: ["outcome": "rolled-back", "reason": "instance 0 (shard-0.5): exited",
                                             ProgressEvent.logTailKey: "Traceback (most recent call last):\n  File \"bot.py\", line 1\nSyntaxError: invalid syntax\n"]))
        let result = try await AdminServerHarness.run(control: control) { server in
            try await DeploymentFollower(client: server.client, terminal: false, verbose: false) { _ in }.follow(deployment: 6)
        }
        #expect(result.failedClient == "shard-0.5" && result.failedInstance == 0)
        #expect(result.closingText(deployment: 6) == """
            the last 3 lines of the log of shard-0.5 (instance 0):
              | Traceback (most recent call last):
              |   File "bot.py", line 1
              | SyntaxError: invalid syntax
            deployment #6 rolled-back (0s): instance 0 (shard-0.5): exited

            """)
        #expect(DeploymentFollower.Result(outcome: "succeeded").closingText(deployment: 6) == "deployment #6 succeeded\n")
        #expect(DeploymentFollower.Result(outcome: "aborted", reason: "an operator aborted it").closingText(deployment: 6)
            == "deployment #6 aborted: an operator aborted it\n")
    }

    @Test("terminal verbose mode: each event is printed above a redrawn status line, which is cleared and rewritten")
    func terminal() async throws {
        let control = TestDaemonControl()
        control.emit(Fixtures.event("deployment.started", "deployment #6 of main started (push)"))
        control.emit(Fixtures.event(ProgressEvent.finishedKind, "deployment #6 succeeded",
                                    detail: ["outcome": "succeeded", "reason": ""]))
        let output = TextOutput()
        let result = try await AdminServerHarness.run(control: control) { server in
            try await DeploymentFollower(client: server.client, terminal: true, verbose: true) { output.write($0) }.follow(deployment: 6)
        }
        #expect(result.succeeded)
        let text = output.text.withLock { $0 }
        let clearLine = "\r\u{1B}[2K"
        // Every event: clear the status line, print the event on its own line, then the status line again.
        // The once-a-second redraw may come before the first event (when it is late): then only cleared and
        // redrawn status lines precede it.
        let firstEvent = try #require(text.range(of: clearLine + "deployment #6 of main started (push)\n"))
        let redrawsFirst = text[..<firstEvent.lowerBound].components(separatedBy: clearLine)
        #expect(redrawsFirst.first == "" && redrawsFirst.dropFirst().allSatisfy { $0.hasPrefix("#6") && !$0.contains("\n") },
                "before the first event: \(redrawsFirst)")
        #expect(text.components(separatedBy: clearLine).count - 1 >= 2)
        #expect(text.contains(clearLine + "deployment #6 succeeded\n"))
        let lastStatusLine = text.components(separatedBy: "deployment #6 succeeded\n").last ?? ""
        #expect(lastStatusLine.hasPrefix("#6"), "the status line after the last event: \(lastStatusLine)")
        #expect(text.hasSuffix("\n"), "the status line is ended once the deployment is finished")
    }

    @Test("a stream that ends without finished falls back to the deployment's history entry")
    func withoutFinished() async throws {
        let control = TestDaemonControl()
        control.emit(Fixtures.event("deployment.started", "deployment #5 started"))
        control.state.withLock { $0.followEndsEarly = true }
        let output = TextOutput()
        let result = try await AdminServerHarness.run(control: control) { server in
            let follower = DeploymentFollower(client: server.client, terminal: false, verbose: false) { output.write($0) }
            let finished = try await follower.follow(deployment: 5)
            let running = await #expect(throws: AdminClientError.self) { _ = try await follower.follow(deployment: 6) }
            #expect(running?.message.contains("running") == true)
            return finished
        }
        #expect(result.succeeded)
        #expect(result.outcome == "succeeded")
    }
}
