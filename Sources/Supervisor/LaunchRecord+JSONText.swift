import FleetTypes

extension LaunchRecord {
    /// The record as a JSON object with the keys of its `Codable` form, which `JSONDecoder` reads back as this
    /// record (``LaunchRecord``'s stored form). Written directly: each launch stores one, in the engine step that
    /// hears of it, and a `JSONEncoder` was 7 % of the concurrency pool's CPU in a 200-shard rollout. Throws
    /// `EncodingError` for a launch time that is not a finite number, as the encoder does.
    public func jsonText() throws -> String {
        guard launchedAt.isFinite else {
            throw EncodingError.invalidValue(
                launchedAt, EncodingError.Context(codingPath: [], debugDescription: "launchedAt is not finite"))
        }
        var text: [UInt8] = []
        text.reserveCapacity(320)
        var members = JSONObjectText(into: text)
        members.number("pid", "\(pid)")
        members.number("processGroup", "\(processGroup)")
        members.number("startTicks", "\(startTicks)")
        members.string("bootID", bootID)
        members.string("clientID", clientID)
        members.string("revision", revision)
        members.string("logPath", logPath)
        members.number("launchedAt", "\(launchedAt)")
        if let location {
            var inner = JSONObjectText(into: [])
            inner.string("service", location.service)
            inner.string("serviceID", location.serviceID)
            inner.string("taskID", location.taskID)
            inner.string("containerID", location.containerID)
            inner.string("nodeID", location.nodeID)
            inner.string("node", location.node)
            members.raw("location", inner.closed())
        }
        return String(decoding: members.closed(), as: UTF8.self)
    }
}

/// A JSON object written member by member.
private struct JSONObjectText {
    private var text: [UInt8]
    private var empty = true

    init(into text: [UInt8]) {
        self.text = text
        self.text.append(UInt8(ascii: "{"))
    }

    mutating func string(_ key: String, _ value: String) {
        start(key)
        JSONStringText.write(value, to: &text)
    }

    /// A member whose value is `number`'s text as it is.
    mutating func number(_ key: String, _ number: String) {
        start(key)
        text.append(contentsOf: number.utf8)
    }

    /// A member whose value is the JSON text `value`.
    mutating func raw(_ key: String, _ value: [UInt8]) {
        start(key)
        text.append(contentsOf: value)
    }

    /// The object's text, closed.
    func closed() -> [UInt8] {
        text + [UInt8(ascii: "}")]
    }

    private mutating func start(_ key: String) {
        if !empty { text.append(UInt8(ascii: ",")) }
        empty = false
        JSONStringText.write(key, to: &text)
        text.append(UInt8(ascii: ":"))
    }
}
