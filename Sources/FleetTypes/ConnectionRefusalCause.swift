/// Why the channel refused a connection (the engine's `ConnectionRefusal.Cause`, and the `cause` of a
/// `channel.refused` audit event).
public enum ConnectionRefusalCause: String, Hashable, Sendable {
    /// Missing or wrong credentials (CONNECT auth or `identify`).
    case credentials
    /// The channel was shedding load: a session limit was reached, so even a valid client may have been
    /// turned away. A gate failing meanwhile is the channel's fault, not the revision's.
    case shedding
}
