import Foundation
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
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
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

    /// Splits a request target into path and query.
    static func split(target: String) -> (path: Substring, query: Substring) {
        guard let mark = target.firstIndex(of: "?") else { return (target[...], "") }
        return (target[..<mark], target[target.index(after: mark)...])
    }
}
