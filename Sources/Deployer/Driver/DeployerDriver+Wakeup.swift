import Foundation

/// The run loop asleep: until when (engine time; nil until an event), and how to wake it.
struct DeadlineSleeper {
    /// Tells a wake-up meant for an earlier sleep from one for this sleep.
    var number: Int
    var until: Date?
    var signal: AsyncStream<Void>.Continuation
}

extension DeployerDriver {
    /// Sleeps until the engine's time reaches `deadline` (nil: no deadline), or until ``wakeIfSooner()`` or a
    /// cancellation wakes it, whichever comes first.
    func sleep(until deadline: Date?) async {
        let (signal, continuation) = AsyncStream.makeStream(of: Void.self)
        sleeps += 1
        let number = sleeps
        sleeper = DeadlineSleeper(number: number, until: deadline, signal: continuation)
        let timer = deadline.map { deadline in
            Task { [clock, pausedFor] in
                try? await clock.sleep(until: deadline.addingTimeInterval(pausedFor))
                self.wake(number)
            }
        }
        for await _ in signal { break }
        timer?.cancel()
        if sleeper?.number == number { sleeper = nil }
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
