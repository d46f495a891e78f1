extension DeployerEvent {
    /// What becomes of an event that comes while the state store fails.
    enum WhileTheStoreFails {
        /// A fact about a process, a socket or a release step, which the engine must learn later rather than
        /// never: it waits, in order.
        case waits
        /// A tick: dropped, since the retry ticks anyway.
        case dropped
        /// A request, a command or a connection, which asks for an answer now: refused.
        case refused
    }

    /// What becomes of this event while the state store fails.
    var whileTheStoreFails: WhileTheStoreFails {
        switch self {
        case .releasePrepared, .launched, .launchFailed, .identified, .ready, .healthReport, .comaConfirmed,
            .shutdownAnnounced, .disconnected, .exited, .goodTagsChanged, .taggedGood, .connectionRefused:
            .waits
        case .tick:
            .dropped
        case .request, .connect, .unmanagedConnected, .command:
            .refused
        }
    }
}
