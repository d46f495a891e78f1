public import FleetTypes

/// Connections the channel turned away, reported to the engine so that a gate failing meanwhile says why.
///
/// The channel reports them rate-limited (one report per cause and claimed client at a time, with a count), so a
/// flood of bad connections costs the engine a handful of events.
public struct ConnectionRefusal: Hashable, Sendable {
    /// Why the channel refused.
    public typealias Cause = ConnectionRefusalCause

    /// Why.
    public var cause: Cause
    /// The client id the connection claimed, if it claimed one.
    public var client: ClientID?
    /// The peer address, as text.
    public var peer: String
    /// The particulars, for people: `no instance/key in the CONNECT auth`, `session limit reached`.
    public var why: String
    /// How many connections this report stands for (the channel aggregates a burst).
    public var count: Int

    /// Makes a report.
    public init(cause: Cause, client: ClientID?, peer: String, why: String, count: Int = 1) {
        self.cause = cause
        self.client = client
        self.peer = peer
        self.why = why
        self.count = count
    }
}
