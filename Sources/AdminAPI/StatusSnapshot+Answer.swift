/// The status document written directly (``AnswerWritable``): every key in the order Foundation's `.sortedKeys`
/// puts it (the keys' UTF-8 bytes), every `null` and absent key as `encode(to:)` has it, so the bytes are those of
/// ``StatusSnapshot/encoder`` (`StatusWriterTests` compares them).
extension StatusSnapshot: AnswerWritable {
    /// Appends the document's JSON text.
    /// - Throws: `EncodingError.invalidValue` for a heartbeat's stat or a CPU time JSON cannot hold (NaN,
    ///   infinity) or a binary stat, with its place.
    public func writeAnswer(to text: inout [UInt8]) throws {
        // Some 400 bytes per client.
        text.reserveCapacity(text.count + 1024 + instances.count * 1200)
        text.append(UInt8(ascii: "{"))
        try text.appendMember("bad", bad, first: true)
        try text.appendMember("deployment", deployment)
        try text.appendMember("halt_reason", haltReason)
        try text.appendMember("instances", instances)
        try text.appendMember("last_good", lastGood)
        try text.appendMember("revision", revision)
        try text.appendMember("state", state.rawValue)
        try text.appendMember("store_error", storeError)
        text.append(UInt8(ascii: "}"))
    }
}

extension StatusSnapshot.LastGood: AnswerPart {
    /// `{"revision","tag"}`.
    func write(to text: inout [UInt8]) throws {
        text.append(UInt8(ascii: "{"))
        try text.appendMember("revision", revision, first: true)
        try text.appendMember("tag", tag)
        text.append(UInt8(ascii: "}"))
    }
}

extension StatusSnapshot.Deployment: AnswerPart {
    /// Every key, but `phase_ends_at`, `ref`, `revision` and `started_at` only when known (its synthesized
    /// `encode(to:)` leaves a nil out).
    func write(to text: inout [UInt8]) throws {
        text.append(UInt8(ascii: "{"))
        try text.appendMember("id", id, first: true)
        try text.appendMember("phase", phase)
        if let phaseEndsAt { try text.appendMember("phase_ends_at", phaseEndsAt) }
        if let ref { try text.appendMember("ref", ref) }
        if let revision { try text.appendMember("revision", revision) }
        if let startedAt { try text.appendMember("started_at", startedAt) }
        try text.appendMember("trigger", trigger)
        try text.appendMember("wave", wave)
        try text.appendMember("waves", waves)
        text.append(UInt8(ascii: "}"))
    }
}

extension StatusSnapshot.Bad: AnswerPart {
    /// `{"marked_at","reason","revision"}`.
    func write(to text: inout [UInt8]) throws {
        text.append(UInt8(ascii: "{"))
        try text.appendMember("marked_at", markedAt, first: true)
        try text.appendMember("reason", reason)
        try text.appendMember("revision", revision)
        text.append(UInt8(ascii: "}"))
    }
}

extension StatusSnapshot.StoreError: AnswerPart {
    /// `{"error","pending_events","since"}`.
    func write(to text: inout [UInt8]) throws {
        text.append(UInt8(ascii: "{"))
        try text.appendMember("error", error, first: true)
        try text.appendMember("pending_events", pendingEvents)
        try text.appendMember("since", since)
        text.append(UInt8(ascii: "}"))
    }
}
