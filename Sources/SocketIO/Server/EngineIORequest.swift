import Hummingbird

/// The Engine.IO parameters of a request, checked the way the reference server checks them.
struct EngineIORequest: Sendable {
    enum Transport: String, Sendable {
        case polling
        case websocket
    }

    let transport: Transport
    let sessionID: String?
    let query: [String: String]

    /// Parses and checks the query.
    /// - Parameters:
    ///   - query: The query string (without `?`)
    ///   - method: The HTTP method
    ///   - isUpgrade: Whether this is a WebSocket upgrade request that the server will accept
    init(query queryString: Substring, method: HTTPRequest.Method, isUpgrade: Bool) throws(EngineIORequestError) {
        var query: [String: String] = [:]
        for pair in queryString.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.percentDecoded(parts[0])
            let value = parts.count > 1 ? Self.percentDecoded(parts[1]) : ""
            if query[key] == nil { query[key] = value }
        }
        self.query = query
        guard let transportName = query["transport"], let transport = Transport(rawValue: transportName) else {
            throw EngineIORequestError(.unknownTransport, reason: "transport \(query["transport"].map { "\"\($0)\"" } ?? "missing")")
        }
        self.transport = transport
        self.sessionID = query["sid"]
        if sessionID == nil {
            guard method == .get else {
                throw EngineIORequestError(.badHandshakeMethod, reason: "handshake with method \(method)")
            }
            guard transport == .polling || isUpgrade else {
                throw EngineIORequestError(.badRequest, reason: "transport websocket without a WebSocket upgrade")
            }
            guard query["EIO"] == "4" else {
                throw EngineIORequestError(.unsupportedProtocolVersion, reason: "EIO \(query["EIO"] ?? "missing")")
            }
        }
    }

    /// Decodes `%XX` escapes and `+` (a space in a query); malformed escapes stay as they are.
    static func percentDecoded(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(text) }
        let input = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Splits a request target into path and query.
    static func split(target: String) -> (path: Substring, query: Substring) {
        guard let mark = target.firstIndex(of: "?") else { return (target[...], "") }
        return (target[..<mark], target[target.index(after: mark)...])
    }
}
