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

    /// The `health_check` report, decoded with the engine's ``HealthReport``; nil when malformed.
    static func healthReport(in value: JSONValue?) -> HealthReport? {
        guard let value, case .object = value else { return nil }
        return try? JSONDecoder().decode(HealthReport.self, from: Data(value.jsonString.utf8))
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
