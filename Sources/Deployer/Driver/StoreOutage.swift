public import Foundation

/// The state store cannot be written: what failed, since when, and how many events wait to be applied
/// (`status --json` key `store_error`, `null` while the store works).
///
/// While the store fails the engine stands still: every step that could not be stored was undone, so the engine in
/// memory and the database agree, and the fleet keeps serving what it served. Events that report facts (an exit, an
/// identify, a health report, a finished release step) wait in order and are applied once a write succeeds again;
/// requests, commands and new connections are refused with ``StateStoreUnavailable`` meanwhile.
public struct StoreOutage: Hashable, Sendable {
    /// The store's error, from the latest failed write.
    public var error: String
    /// When the first write failed (wall clock).
    public var since: Date
    /// How many events wait to be applied.
    public var pendingEvents: Int

    /// Makes the description of an outage.
    public init(error: String, since: Date, pendingEvents: Int) {
        self.error = error
        self.since = since
        self.pendingEvents = pendingEvents
    }
}

/// What a request, a command or a connection gets while the state store fails: nothing was changed.
public struct StateStoreUnavailable: Error, CustomStringConvertible {
    /// The outage at the time of the refusal.
    public var outage: StoreOutage

    /// `the state store cannot be written (since ...): <error>; nothing was changed ...`.
    public var description: String {
        "the state store cannot be written (since \(outage.since.formatted(.iso8601))): \(outage.error); "
            + "nothing was changed, and the daemon retries every second"
    }
}
