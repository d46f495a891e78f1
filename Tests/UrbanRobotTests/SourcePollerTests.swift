@testable import AdminAPI
import Deployer
@testable import FleetDaemon
import FleetTypes
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@Suite("Source poller")
struct SourcePollerTests {
    static let a = Fixtures.revisionA
    static let b = Fixtures.revisionB
    static let c = String(repeating: "c", count: 40)

    @Test("a new tip is deployed once; the fleet's revision and the running deployment's are not")
    func decisions() {
        var state = SourcePollState()
        #expect(state.tipFetched(Self.a, status: Fixtures.status(revision: Self.a)) == .nothing)
        #expect(state.lastSeen == Self.a)
        #expect(state.tipFetched(Self.b, status: Fixtures.status(revision: Self.a, deploymentRevision: Self.b)) == .nothing)
        #expect(state.tipFetched(Self.c, status: Fixtures.status(revision: Self.a)) == .deploy(Self.c))
        #expect(state.tipFetched(Self.c, status: Fixtures.status(revision: Self.a)) == .deploy(Self.c), "not requested yet: asked again")
        state.requested(Self.c)
        #expect(state.tipFetched(Self.c, status: Fixtures.status(revision: nil)) == .nothing)
    }

    @Test("a refused tip is news once, then known")
    func refusals() {
        var state = SourcePollState()
        #expect(state.tipFetched(Self.c, status: Fixtures.status(revision: Self.a)) == .deploy(Self.c))
        let first = state.refused(Self.c)
        #expect(first)
        #expect(state.tipFetched(Self.c, status: Fixtures.status(revision: Self.a)) == .nothing)
        let again = state.refused(Self.c)
        #expect(!again)
        #expect(state.tipFetched(Self.b, status: Fixtures.status(revision: Self.a)) == .deploy(Self.b))
    }

    @Test("one round each: a fetch error is retried, a refusal is not asked again, a new tip is requested as poll")
    func rounds() async {
        let control = TestDaemonControl()
        let poller = SourcePoller(control: control, interval: .milliseconds(10), logger: Logger(label: "poll-test"))
        var state = SourcePollState()
        control.state.withLock { $0.status = Fixtures.status(revision: Self.a) }
        control.state.withLock { $0.tips = [.failure(DaemonControlError(code: .invalid, message: "fetch failed")), .success(Self.c)] }
        await poller.pollOnce(&state)
        #expect(control.requests.isEmpty)
        control.state.withLock { $0.refusal = DaemonControlError(code: .refused, message: "bad revision") }
        await poller.pollOnce(&state)
        await poller.pollOnce(&state)
        #expect(control.calls.filter { $0.hasPrefix("request") } == ["request poll \(Self.c)"])
        control.state.withLock { $0.refusal = nil; $0.tips = [.success(Self.b)] }
        await poller.pollOnce(&state)
        #expect(control.requests == [DeploymentRequest(ref: Self.b, trigger: .poll, who: "poll")])
    }

    @Test("the service polls at its interval and stops on graceful shutdown", .timeLimit(.minutes(1)))
    func service() async throws {
        let control = TestDaemonControl()
        control.state.withLock { state in
            state.status = Fixtures.status(revision: Self.a)
            state.tips = [.success(Self.a), .success(Self.c)]
        }
        let logger = Logger(label: "poll-test")
        let group = ServiceGroup(services: [SourcePoller(control: control, interval: .milliseconds(20), logger: logger)], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(20)
            while control.requests.isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(control.requests == [DeploymentRequest(ref: Self.c, trigger: .poll, who: "poll")])
        #expect(control.calls.filter { $0 == "fetch" }.count >= 2)
    }
}
