public import Foundation

/// Performs the engine's decisions with the real channel, supervisor and release store (the daemon's part).
///
/// `perform` is called for every action, in order, after the step is stored. It must return quickly: long work
/// (a release step, a launch, a stop) is started and its result reported later with
/// ``DeployerDriver/submit(_:)`` (`releasePrepared`, `launched`, `exited`, ...). `admit`/`refuse` are
/// answered by the caller of `submit(.connect(...))` from the returned actions, and `recordDeployment`/`audit`
/// are already stored; `perform` may ignore them or log them.
public protocol DeployerEffects: Sendable {
    /// Performs one action.
    func perform(_ action: DeployerAction) async
}

/// Where the driver reads the time and waits.
public protocol DeployerClock: Sendable {
    /// The current time.
    var now: Date { get }
    /// Waits until `deadline` (or throws when cancelled).
    func sleep(until deadline: Date) async throws
}

/// The system's wall clock.
public struct WallClock: DeployerClock {
    /// Makes the clock.
    public init() {}

    /// `Date()`.
    public var now: Date { Date() }

    /// Sleeps on the continuous clock until the wall clock reaches `deadline`.
    public func sleep(until deadline: Date) async throws {
        let seconds = max(0, deadline.timeIntervalSinceNow)
        try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
    }
}
