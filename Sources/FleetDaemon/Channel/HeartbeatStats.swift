import AdminAPI
import FleetTypes
import Foundation
import SocketIO

/// Turns the payload of a `heartbeat` event, untrusted input from a bot, into what `status` shows, bounded in size.
enum HeartbeatStats {
    /// The largest stats object kept, as compact JSON text (bytes of UTF-8).
    static let byteLimit = 4096

    /// The stats that the status table shows, kept even from an oversized payload when they are numbers.
    static let commonKeys = ["guilds", "latency"]

    /// The heartbeat of `payload` received at `time`: the object as sent when it fits in ``byteLimit`` (binary
    /// attachments as their placeholders, a repeated key's last value); `{}` when the bot sent none or not an
    /// object; otherwise a note saying why plus the numeric common stats.
    static func heartbeat(from payload: JSONValue?, at time: Date) -> StatusSnapshot.Heartbeat {
        StatusSnapshot.Heartbeat(at: time, stats: stats(from: payload))
    }

    private static func stats(from payload: JSONValue?) -> [String: JSONValue] {
        guard let payload, case .object = payload else { return [:] }
        let size = payload.jsonString.utf8.count
        guard size > byteLimit else { return members(of: payload.withAttachmentPlaceholders) }
        let sent = members(of: payload)
        var kept: [String: JSONValue] = [
            "truncated": .string("the stats were \(size) bytes, over the \(byteLimit)-byte limit; only "
                + "\(commonKeys.joined(separator: " and ")) are kept"),
        ]
        for key in commonKeys {
            if let number = sent[key]?.doubleValue, number.isFinite { kept[key] = .number(number) }
        }
        return kept
    }

    /// The members of an object by key, a repeated key's last value (as JavaScript's `JSON.parse` keeps it).
    private static func members(of object: JSONValue) -> [String: JSONValue] {
        Dictionary((object.objectValue ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
