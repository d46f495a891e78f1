/// Paces launches across instances with a ``LaunchPacer`` on a real clock.
///
/// ```swift
/// let gate = LaunchGate(maxConcurrency: 1, spacing: .milliseconds(5500), clock: ContinuousClock())
/// try await gate.acquire(instance: "0")   // returns when this launch may start
/// let process = try launcher.launch(request)
/// ```
public actor LaunchGate<C: Clock> where C.Duration == Duration {
    private let clock: C
    private var pacer: LaunchPacer<C.Instant>
    private var granted: Set<LaunchPacer<C.Instant>.Ticket> = []

    /// Creates a gate allowing `maxConcurrency` launches per `spacing`.
    public init(maxConcurrency: Int, spacing: Duration, clock: C) {
        self.clock = clock
        self.pacer = LaunchPacer(maxConcurrency: maxConcurrency, spacing: spacing)
    }

    /// Waits for the turn of `instance`, then returns: the launch may start now.
    /// - Throws: `CancellationError` when the calling task is cancelled
    ///   before its turn (the place in the queue is given up).
    public func acquire(instance: String) async throws {
        try Task.checkCancellation()
        let ticket = pacer.enqueue(instance: instance)
        do {
            while true {
                let now = clock.now
                granted.formUnion(pacer.grantDue(at: now))
                if granted.remove(ticket) != nil { return }
                let wake = pacer.nextGrantTime(after: now) ?? now
                try await clock.sleep(until: wake, tolerance: nil)
            }
        } catch {
            pacer.cancel(ticket)
            granted.remove(ticket)
            throw error
        }
    }
}
