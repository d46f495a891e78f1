import Deployer
import Synchronization

/// The observers of every action the engine emits (metrics).
final class ActionObservers: Sendable {
    private let observers = Mutex<[@Sendable (DeployerAction) -> Void]>([])

    /// Adds an observer.
    func add(_ observer: @escaping @Sendable (DeployerAction) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Calls every observer with `action`.
    func notify(_ action: DeployerAction) {
        for observer in observers.withLock({ $0 }) { observer(action) }
    }
}
