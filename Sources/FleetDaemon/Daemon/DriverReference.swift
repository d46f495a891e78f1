import Deployer
import Synchronization

/// The daemon's ``DeployerDriver``, set once the engine is recovered, for the parts made before it (the channel,
/// the effects, the exit watcher) that report events to it.
final class DriverReference: Sendable {
    private let driver = Mutex<DeployerDriver?>(nil)

    /// Installs the driver.
    func set(_ driver: DeployerDriver) {
        self.driver.withLock { $0 = driver }
    }

    /// Disconnects the driver for good: events submitted afterwards are dropped (the bots stopped with the daemon).
    func detach() {
        driver.withLock { $0 = nil }
    }

    /// The driver, or nil before the daemon runs.
    var current: DeployerDriver? { driver.withLock { $0 } }

    /// Feeds one event to the driver and returns the engine's answer and actions; ``EngineReply/noted`` and no actions
    /// before the daemon runs, once detached, or when the store fails (the failure is the driver's to report; the
    /// caller logs it).
    func submit(_ event: DeployerEvent) async throws -> EngineStep {
        guard let driver = current else { return EngineStep(reply: .noted, actions: []) }
        return try await driver.submit(event)
    }

    /// Feeds one event to the driver with rows to store in its step (``DeployerDriver/submit(_:storing:)``); nil
    /// before the daemon runs and once detached, when nothing stored the rows.
    func submit(_ event: DeployerEvent, storing rows: @escaping StepRows) async throws -> EngineStep? {
        guard let driver = current else { return nil }
        return try await driver.submit(event, storing: rows)
    }

    /// Feeds events to the driver as one step (``DeployerDriver/submit(contentsOf:)``) and returns their actions;
    /// none when ``submit(_:)`` would answer ``EngineReply/noted`` without any.
    func submit(contentsOf events: [DeployerEvent]) async throws -> [DeployerAction] {
        guard let driver = current else { return [] }
        return try await driver.submit(contentsOf: events)
    }
}
