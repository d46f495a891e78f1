import Deployer
import Foundation
import SocketIO

/// Turns the payload of a `heartbeat` event, untrusted input from a bot, into what `status` shows, bounded in size.
enum HeartbeatStats {
    /// The largest stats object kept, as compact JSON text (bytes of UTF-8).
    static let byteLimit = 4096

    /// The stats that the status table shows, kept even from an oversized payload when they are numbers.
    static let commonKeys = ["guilds", "latency"]

    /// The heartbeat of `payload` received at `time`: the object as sent when it fits in ``byteLimit``; `{}` when
    /// the bot sent none or not an object; otherwise a note saying why plus the numeric common stats.
    static func heartbeat(from payload: JSONValue?, at time: Date) -> StatusSnapshot.Heartbeat {
        StatusSnapshot.Heartbeat(at: time, stats: stats(from: payload))
    }

    private static func stats(from payload: JSONValue?) -> [String: FreeFormJSON] {
        guard let payload, case .object = payload else { return [:] }
        let text = payload.jsonString
        let size = text.utf8.count
        guard size > byteLimit else {
            let decoded = try? JSONDecoder().decode([String: FreeFormJSON].self, from: Data(text.utf8))
            return decoded ?? [:]
        }
        var kept: [String: FreeFormJSON] = [
            "truncated": .string("the stats were \(size) bytes, over the \(byteLimit)-byte limit; only "
                + "\(commonKeys.joined(separator: " and ")) are kept"),
        ]
        for key in commonKeys {
            if let number = payload[key]?.doubleValue, number.isFinite { kept[key] = .number(number) }
        }
        return kept
    }
}
