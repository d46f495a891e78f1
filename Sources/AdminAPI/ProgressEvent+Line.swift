extension ProgressEvent {
    /// Appends the event's line of `GET /v1/deployments/{id}/events` (without its newline): the bytes Foundation's
    /// encoder writes for the daemon's `ProgressLine` with the admin API's settings (sorted keys, ISO 8601 dates),
    /// written directly. A followed 200-shard rollout sends some 2,000 lines to each follower, and the generic
    /// encoder was the largest part of following's cost that a profile could name.
    ///
    /// Every key but `log_tail` is written, `null` included; a `finished` event also has `outcome` and `reason`
    /// (from its detail) at the top level, and `log_tail` when its detail holds one.
    /// - Throws: never in practice (its members are strings, integers and a date); declared as its members' writers
    ///   are.
    public func writeLine(to text: inout [UInt8]) throws {
        let finished = kind == Self.finishedKind
        text.append(UInt8(ascii: "{"))
        try text.appendMember("client", client, first: true)
        try text.appendMember("deployment", deployment)
        try text.appendMember("detail", SortedMembers(detail))
        try text.appendMember("instance", instance)
        try text.appendMember("kind", kind)
        if finished, let logTail { try text.appendMember("log_tail", logTail) }
        try text.appendMember("message", message)
        if finished {
            try text.appendMember("outcome", detail["outcome"])
            try text.appendMember("reason", detail["reason"])
        }
        try text.appendMember("time", time)
        text.append(UInt8(ascii: "}"))
    }
}
