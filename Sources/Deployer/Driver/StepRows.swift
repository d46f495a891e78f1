public import GRDB

/// Rows another module stores in the transaction of an event's engine step (``DeployerDriver/submit(_:storing:)``):
/// the daemon's launch record of a process, with the `launched` fact that reports it. Neither is then kept without
/// the other, and the record's write never holds the store's one writer while a step waits for it (a write of its
/// own, from a thread of the cooperative pool that a rollout's bots preempt, held the driver for milliseconds).
/// Called inside the transaction, after the step's audit entries; a throw fails the whole step.
public typealias StepRows = @Sendable (Database) throws -> Void
