/// The instances of the status document and their clients, written directly (see `StatusSnapshot+Answer`).
extension StatusSnapshot.Instance: AnswerPart {
    /// Every key, `null` included.
    /// - Throws: `EncodingError.invalidValue` from a client, its path starting at its role.
    func write(to text: inout [UInt8]) throws {
        text.append(UInt8(ascii: "{"))
        try text.appendMember("active", active, first: true)
        try text.appendMember("candidate", candidate)
        try text.appendMember("epoch", epoch)
        try text.appendMember("instance", instance)
        try text.appendMember("standby", standby)
        text.append(UInt8(ascii: "}"))
    }
}

extension StatusSnapshot.Client: AnswerPart {
    /// Every key, `null` included, but `container`, `node` and `task` only when known, as `encode(to:)` has them.
    /// - Throws: `EncodingError.invalidValue` for a CPU time or a stat JSON cannot hold.
    func write(to text: inout [UInt8]) throws {
        text.append(UInt8(ascii: "{"))
        try text.appendMember("client", client, first: true)
        try text.appendMember("confirm_by", confirmBy)
        if let container { try text.appendMember("container", container) }
        try text.appendMember("cpu_seconds", cpuSeconds)
        try text.appendMember("epoch", epoch)
        try text.appendMember("heartbeat", heartbeat)
        try text.appendMember("launched_at", launchedAt)
        if let node { try text.appendMember("node", node) }
        try text.appendMember("pid", pid)
        try text.appendMember("restarts", restarts)
        try text.appendMember("revision", revision)
        try text.appendMember("rss_bytes", rssBytes)
        try text.appendMember("since", since)
        try text.appendMember("state", state)
        if let task { try text.appendMember("task", task) }
        text.append(UInt8(ascii: "}"))
    }
}

extension StatusSnapshot.Heartbeat: AnswerPart {
    /// `{"at","stats"}`, the stats' keys sorted.
    /// - Throws: `EncodingError.invalidValue` for a stat JSON cannot hold, its path starting at `stats`.
    func write(to text: inout [UInt8]) throws {
        text.append(UInt8(ascii: "{"))
        try text.appendMember("at", at, first: true)
        try text.appendMember("stats", SortedMembers(stats))
        text.append(UInt8(ascii: "}"))
    }
}
