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

    /// Feeds one event to the driver and returns its actions; none before the daemon runs, once detached, or when the store fails
    /// (the failure is the driver's to report; the caller logs it).
    func submit(_ event: DeployerEvent) async throws -> [DeployerAction] {
        try await submit(contentsOf: [event])
    }

    /// Feeds events to the driver as one step (``DeployerDriver/submit(contentsOf:)``), as ``submit(_:)`` does one.
    func submit(contentsOf events: [DeployerEvent]) async throws -> [DeployerAction] {
        guard let driver = current else { return [] }
        return try await driver.submit(contentsOf: events)
    }
}
