/// The restart rules for an active client that exits after its rollout
/// (config `rollout.crash_loop`, `rollout.crash_window`).
public struct RestartPolicy: Hashable, Sendable {
    /// The first delay; it doubles with each consecutive failure.
    public var initialDelay: Duration
    /// The largest delay.
    public var maxDelay: Duration
    /// A process that ran at least this long before it exited counts as
    /// stable: the next delay starts again at ``initialDelay``.
    public var minUptime: Duration
    /// This many exits within ``crashWindow`` is a crash loop.
    public var crashLoopExits: Int
    /// The window for ``crashLoopExits``.
    public var crashWindow: Duration

    /// Creates a policy. The defaults: 1 s doubling to 60 s, stable after
    /// 30 s (long enough for a bot to connect to Discord and serve, short
    /// enough that a bot crashing every few minutes restarts fast), a crash
    /// loop at 3 exits within 5 minutes.
    public init(
        initialDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(60), minUptime: Duration = .seconds(30),
        crashLoopExits: Int = 3, crashWindow: Duration = .seconds(300)
    ) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.minUptime = minUptime
        self.crashLoopExits = crashLoopExits
        self.crashWindow = crashWindow
    }
}

/// What to do after an exit.
public enum RestartDecision: Hashable, Sendable {
    /// Start the process again after this delay.
    case restart(after: Duration)
    /// `exits` exits happened within the crash window: stop restarting and
    /// roll back to the last good revision.
    case crashLoop(exits: Int)
}
