public import Foundation

/// Performs the engine's decisions with the real channel, supervisor and release store (the daemon's part).
///
/// `perform` is called for every action, in order, after the step is stored, inside the driver's step: it is
/// synchronous, so that a step (event, store, actions) is never interleaved with another and an action never waits
/// behind queued events. It must return at once: long work (a release step, a launch, a stop) is started and its
/// result reported later with
/// ``DeployerDriver/submit(_:)`` (`releasePrepared`, `launched`, `exited`, ...). `admit`/`refuse` are
/// answered by the caller of `submit(.connect(...))` from the returned actions, and `recordDeployment`/`audit`
/// are already stored; `perform` may ignore them or log them.
public protocol DeployerEffects: Sendable {
    /// Performs one action.
    func perform(_ action: DeployerAction)

    /// A write to the state store failed: the step was undone, the engine stands still and fact events wait
    /// (the daemon logs it at error level).
    func storeFailed(_ outage: StoreOutage)

    /// The state store works again after failing for `duration`: the `appliedEvents` that waited were applied and
    /// the engine runs on.
    func storeRecovered(after duration: Duration, appliedEvents: Int)

    /// Runs `step`: one step's actions and the answers to its callers, on the driver's thread. What `step` hands to
    /// other threads may be held until it returns and handed over together (the daemon's channel wakes each event
    /// loop once for a step's frames and resumed handlers, not once for each).
    func together<Value>(_ step: () -> Value) -> Value
}

extension DeployerEffects {
    /// Runs `step`.
    public func together<Value>(_ step: () -> Value) -> Value { step() }
}

/// Where the driver reads the time and waits.
public protocol DeployerClock: Sendable {
    /// The engine's time: every deadline is measured on it, so it must never jump (monotonic).
    var now: Date { get }
    /// The wall-clock time, for records and display only.
    var wallNow: Date { get }
    /// Waits until the engine's time reaches `deadline` (or throws when cancelled).
    func sleep(until deadline: Date) async throws
}

/// The daemon's clock: engine time from the monotonic `ContinuousClock`, anchored at the wall clock's reading when
/// it was made (so that it reads like a date), and the wall clock for records. A step of the system clock (NTP, an
/// operator, a virtual machine resumed) moves `wallNow` only: no timeout, bake, watch, backoff or pacing window
/// jumps.
public struct MonotonicDeployerClock: DeployerClock {
    private let origin: ContinuousClock.Instant
    private let anchor: Date

    /// Makes the clock, anchored now.
    public init() {
        origin = .now
        anchor = Date()
    }

    /// The anchor plus the monotonic time elapsed since the clock was made.
    public var now: Date {
        anchor.addingTimeInterval((ContinuousClock.now - origin).timeInterval)
    }

    /// `Date()`.
    public var wallNow: Date { Date() }

    /// Sleeps on the continuous clock until the engine's time reaches `deadline`.
    public func sleep(until deadline: Date) async throws {
        let instant = origin.advanced(by: .seconds(deadline.timeIntervalSince(anchor)))
        try await Task.sleep(until: instant, clock: .continuous)
    }
}
