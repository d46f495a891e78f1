import Deployer
import Logging

extension DaemonEffects {
    /// Logs that the state store failed a write (error level): the engine stands still until it works again.
    func storeFailed(_ outage: StoreOutage) {
        logger.error(
            "the state store cannot be written: the engine stands still, the fleet keeps serving what it served, and deployments and commands are refused until a write succeeds (retried every second)",
            metadata: ["error": "\(outage.error)", "pending_events": "\(outage.pendingEvents)"])
    }

    /// Logs that the state store works again and the waiting events were applied.
    func storeRecovered(after duration: Duration, appliedEvents: Int) {
        logger.warning(
            "the state store works again; the engine runs on",
            metadata: [
                "failed_for": "\(duration.components.seconds) s",
                "applied_events": "\(appliedEvents)",
            ])
    }
}
