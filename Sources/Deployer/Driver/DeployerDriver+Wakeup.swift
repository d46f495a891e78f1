import Foundation

/// The run loop asleep: until when (engine time; nil until an event), and how to wake it.
struct DeadlineSleeper {
    /// Tells a wake-up meant for an earlier sleep from one for this sleep.
    var number: Int
    var until: Date?
    var signal: AsyncStream<Void>.Continuation
}

/// The timer of the run loop's sleeps: a task that wakes the loop at `deadline`, kept across the sleeps for the same
/// deadline (most of a rollout's thousands of wake-ups leave the next deadline where it was).
struct DeadlineTimer {
    /// Tells this timer's firing from an earlier, cancelled one's.
    var number: Int
    var deadline: Date
    var task: Task<Void, Never>
}

extension DeployerDriver {
    /// Sleeps until the engine's time reaches `deadline` (nil: no deadline), or until ``wakeIfSooner()`` or a
    /// cancellation wakes it, whichever comes first.
    ///
    /// The timer is made again only when the deadline changed: a cancelled `Task.sleep` holds its task and timer
    /// until its deadline (Swift 6.3 on Linux), and a timer per sleep left hundreds of them pending after a rollout.
    func sleep(until deadline: Date?) async {
        let (signal, continuation) = AsyncStream.makeStream(of: Void.self)
        sleeps += 1
        let number = sleeps
        sleeper = DeadlineSleeper(number: number, until: deadline, signal: continuation)
        if timer?.deadline != deadline {
            timer?.task.cancel()
            timer = deadline.map { deadline in
                DeadlineTimer(number: number, deadline: deadline, task: Task { [clock, pausedFor] in
                    try? await clock.sleep(until: deadline.addingTimeInterval(pausedFor))
                    self.timerFired(number)
                })
            }
        }
        for await _ in signal { break }
        if sleeper?.number == number { sleeper = nil }
        if Task.isCancelled {
            timer?.task.cancel()
            timer = nil
        }
    }

    /// The timer `number` reached its deadline (or was cancelled): wakes the run loop if it sleeps for that deadline.
    func timerFired(_ number: Int) {
        guard let timer, timer.number == number, !timer.task.isCancelled else { return }
        self.timer = nil
        if let sleeper, sleeper.until == timer.deadline { wake() }
    }

    /// Wakes the sleep `number` (any, when nil) if it still sleeps.
    func wake(_ number: Int? = nil) {
        guard let sleeper, number == nil || number == sleeper.number else { return }
        self.sleeper = nil
        sleeper.signal.finish()
    }

    /// Wakes the run loop when the engine's next deadline is now earlier than the one it sleeps for, or the store
    /// began to fail (it then retries the store); called after every step.
    func wakeIfSooner() {
        guard let sleeper else { return }
        if outage != nil { return wake() }
        guard let next = engine.nextDeadline else { return }
        if sleeper.until.map({ next < $0 }) ?? true { wake() }
    }
}
