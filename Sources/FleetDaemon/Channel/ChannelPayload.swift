import Deployer
import FleetTypes
import Foundation
import SocketIO

/// The JSON payloads of PROTOCOL.md, both ways.
enum ChannelPayload {
    /// Launch credentials presented in the CONNECT auth or in `identify`.
    struct Credentials: Equatable {
        var client: ClientID
        var key: String
    }

    /// `{"instance": ..., "key": ...}` when both are non-empty strings.
    static func credentials(in value: JSONValue?) -> Credentials? {
        guard let instance = value?["instance"]?.stringValue, !instance.isEmpty,
            let key = value?["key"]?.stringValue, !key.isEmpty
        else { return nil }
        return Credentials(client: ClientID(rawValue: instance), key: key)
    }

    /// The instance an unmanaged client asks for in `identify`: a number, or a string holding one; 0 otherwise.
    static func unmanagedInstance(in value: JSONValue?) -> Int {
        if let number = value?["instance"]?.intValue { return number }
        if let text = value?["instance"]?.stringValue, let number = Int(text) { return number }
        return 0
    }

    /// `hello {token, process_commands, instance, heartbeat_interval}`.
    static func hello(token: String, processCommands: Bool, client: ClientID, heartbeatInterval: Int) -> JSONValue {
        .object([
            JSONMember("token", .string(token)),
            JSONMember("process_commands", .bool(processCommands)),
            JSONMember("instance", .string(client.rawValue)),
            JSONMember("heartbeat_interval", .number(Double(heartbeatInterval))),
        ])
    }

    /// `cmd {"t": name, "d": {...}}`: the token only in `process_commands`, the epoch in `coma` and
    /// `process_commands`.
    static func command(_ command: ClientCommand, token: String) -> JSONValue {
        let body: [JSONMember] =
            switch command {
            case .ok, .healthCheck: []
            case .processCommands(let reason, let epoch):
                [JSONMember("token", .string(token)), JSONMember("reason", .string(reason)),
                 JSONMember("epoch", .number(Double(epoch)))]
            case .coma(let reason, let epoch):
                [JSONMember("reason", .string(reason)), JSONMember("epoch", .number(Double(epoch)))]
            case .shutdown(let reason):
                [JSONMember("reason", .string(reason))]
            }
        return .object([JSONMember("t", .string(command.name)), JSONMember("d", .object(body))])
    }

    /// The `health_check` report, read as ``HealthReport``'s `Decodable` reads it from JSON (without writing the
    /// payload out and parsing it again, as a `JSONDecoder` would): `OK` a boolean; `percent` a finite number, or
    /// absent or null (then 100 when OK, else 0); `cogs` an object of booleans, or absent or null; `details` kept
    /// only when it is an object of strings; of a key given twice, the first counts. Nil when malformed.
    static func healthReport(in value: JSONValue?) -> HealthReport? {
        guard case .object(let members)? = value, case .bool(let ok)? = first("OK", in: members) else { return nil }
        var report = HealthReport(ok: ok, percent: ok ? 100 : 0)
        switch first("percent", in: members) {
        case nil, .null?: break
        case .number(let percent)? where percent.isFinite: report.percent = percent
        default: return nil
        }
        switch first("cogs", in: members) {
        case nil, .null?: break
        case .object(let cogs)?:
            for cog in firstOfEachKey(cogs) {
                guard case .bool(let loaded) = cog.value else { return nil }
                report.cogs[cog.key] = loaded
            }
        default: return nil
        }
        if case .object(let details)? = first("details", in: members) {
            for detail in firstOfEachKey(details) {
                guard case .string(let text) = detail.value else {
                    report.details = [:]
                    break
                }
                report.details[detail.key] = text
            }
        }
        return report
    }

    /// The value of the first member named `key`.
    private static func first(_ key: String, in members: [JSONMember]) -> JSONValue? {
        members.first { $0.key == key }?.value
    }

    /// The members but for those whose key an earlier member has (which a decoder never looks at).
    private static func firstOfEachKey(_ members: [JSONMember]) -> [JSONMember] {
        var seen = Set<String>()
        return members.filter { seen.insert($0.key).inserted }
    }

    /// The optional `reason` of `coma`/`shutdown`.
    static func reason(in value: JSONValue?) -> String? {
        value?["reason"]?.stringValue
    }

    /// Why a socket that sent `identify` without credentials (and is no allowed unmanaged client) was refused.
    static let missingCredentials =
        "no instance/key in the CONNECT auth nor in identify (and not an allowed unmanaged client); see the README's protocol section"

    /// The CONNECT_ERROR message for refused credentials: final (they belong to one launch), the client stops.
    static let refusedMessage = "unauthorized"

    /// The CONNECT_ERROR message when the engine could not decide (not started yet, its store failing): the
    /// client retries.
    static let unavailableMessage = "unavailable"

    /// The error ACK of an `identify` whose credentials were refused.
    static let unauthorized: JSONValue = .object([
        JSONMember("ok", .bool(false)), JSONMember("error", .string(refusedMessage)),
    ])

    /// The ACK of an accepted `identify`.
    static let identified: JSONValue = .object([JSONMember("ok", .bool(true))])
}
