import FleetTypes

/// When the stops of idle clients start: at most ``slice`` in each ``interval``, the first ``slice`` of a wave at
/// once, so that a wave of hundreds (the standbys a finished deployment retires) does not make them all exit
/// together.
///
/// An idle client confirmed the `coma` it was last told (``BotChannel/isIdle(_:)``), so when it gets `shutdown`
/// matters to no user. Hundreds of processes that tear down together hold both cores of a small host for tens of
/// milliseconds: the bots that serve, the channel and the daemon's exit watching wait behind them. Spread over
/// the slots, the same wave costs the same CPU and nobody waits. A client that may be serving is never placed:
/// its stop starts at once.
struct StopWave {
    /// How many stops start in one slot.
    let slice: Int
    /// The time from one slot to the next.
    let interval: Duration
    /// The start of the latest slot given out, and how many it holds.
    private var slot: (start: ContinuousClock.Instant, count: Int)?
    /// The places given out and not yet taken, by client.
    private var places: [ClientID: ContinuousClock.Instant] = [:]

    /// The daemon's wave: 10 stops every 50 ms, 200 idle clients in a second. Ten C bots and their log relays tear
    /// down in about 2 ms of CPU, a Python bot in a few.
    static let standard = StopWave(slice: 10, interval: .milliseconds(50))

    /// A wave of `slice` stops per `interval`.
    init(slice: Int, interval: Duration) {
        precondition(slice > 0 && interval > .zero, "a stop wave needs a positive slice and interval")
        self.slice = slice
        self.interval = interval
    }

    /// Gives an idle `client` its place in the wave: the instant its `shutdown` and its stop may start, `now` when
    /// its slot has begun. Kept for ``take(_:)``.
    mutating func place(_ client: ClientID, now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let next: (start: ContinuousClock.Instant, count: Int)
        switch slot {
        case let (start, count)? where now < start + interval:
            next = count < slice ? (start, count + 1) : (start + interval, 1)
        default:
            // The wave before has passed: every place it gave was taken or is moot.
            next = (now, 1)
            places.removeAll()
        }
        slot = next
        let place = max(next.start, now)
        places[client] = place
        return place
    }

    /// The place given to `client` (its `shutdown` waits for it, so its stop does too), forgotten now; nil when it
    /// was given none.
    mutating func take(_ client: ClientID) -> ContinuousClock.Instant? {
        places.removeValue(forKey: client)
    }
}
