@testable import Deployer
import FleetTypes
import Synchronization
import Testing

/// A step's actions and the answers to its callers run inside one ``DeployerEffects/together(_:)``: the daemon's
/// channel then hands each event loop the step's frames and resumed handlers as one job.
@Suite struct DriverTogetherTests {
    /// What happened, in order.
    final class Log: Sendable {
        private let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        func clear() { entries.withLock { $0 = [] } }
        var all: [String] { entries.withLock { $0 } }
    }

    /// Effects that log where each step begins and ends, and each action.
    struct LoggingEffects: DeployerEffects {
        let log: Log
        func together<Value>(_ step: () -> Value) -> Value {
            log.add("begin")
            defer { log.add("end") }
            return step()
        }
        func perform(_ action: DeployerAction) { log.add("action") }
        func storeFailed(_ outage: StoreOutage) {}
        func storeRecovered(after duration: Duration, appliedEvents: Int) {}
    }

    /// A started driver of one instance whose effects log to `log`.
    static func startedDriver(logging log: Log) async throws -> DeployerDriver {
        let settings = DeployerSettings(instances: 1, identifyTimeout: .seconds(30), identifySpacing: .zero)
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: settings, keys: CountingKeySource()), store: try DeployerStore.inMemory(),
            effects: LoggingEffects(log: log), clock: SteppedClock())
        try await driver.start()
        return driver
    }

    @Test func aStepsActionsAndItsAnswerRunInsideOneTogether() async throws {
        let log = Log()
        let driver = try await Self.startedDriver(logging: log)
        log.clear()
        let reply = await withCheckedContinuation { (caller: CheckedContinuation<EngineReply?, Never>) in
            driver.queue([DriverInbox.Waiting(event: .request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli))) {
                log.add("answer")
                caller.resume(returning: try? $0.get().reply)
            }])
        }
        #expect(reply == .accepted(deployment: 1))
        // The answer came before the step's end: a call on the driver waits for the step to finish.
        _ = await driver.lastGood(excluding: nil)
        let entries = log.all
        let actions = entries.filter { $0 == "action" }.count
        #expect(actions > 0)
        #expect(entries == ["begin"] + Array(repeating: "action", count: actions) + ["answer", "end"])
    }

    @Test func aTickIsOneTogetherToo() async throws {
        let log = Log()
        let driver = try await Self.startedDriver(logging: log)
        log.clear()
        try await driver.step(.tick)
        #expect(log.all.first == "begin")
        #expect(log.all.last == "end")
        #expect(log.all.filter { $0 == "begin" }.count == 1)
    }
}
