import Dispatch
import Foundation

/// One line of the file where the example bot in `--simulate` mode records its processing state
/// (`SIMULATE_STATE_RECORD`, see `Deploy/bot/bot.py`): when, on the system-wide monotonic clock, the client of a
/// shard started or stopped processing commands, or exited.
struct BotStateRecord {
    /// The variable naming the file, set through `[bot] env`.
    static let variable = "SIMULATE_STATE_RECORD"

    enum State: String {
        case processing, coma, exited
    }

    let nanoseconds: UInt64
    let shard: Int
    let client: String
    let state: State

    /// The lines of `path` in time order (none when the file does not exist yet).
    static func read(_ path: String) throws -> [BotStateRecord] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            guard fields.count == 4, let nanoseconds = UInt64(fields[0]), let shard = Int(fields[1]),
                let state = State(rawValue: String(fields[3]))
            else { throw IntegrationError("a malformed bot state line: \(line)") }
            return BotStateRecord(nanoseconds: nanoseconds, shard: shard, client: String(fields[2]), state: state)
        }.sorted { $0.nanoseconds < $1.nanoseconds }
    }
}

/// What the bots' records say about service: for each shard, when no client or more than one processed commands.
struct ServiceTimeline {
    /// A span of a shard with no client processing commands, after its first client started (a handover's gap).
    struct Gap: CustomStringConvertible {
        let shard: Int
        let seconds: Double
        var description: String { "shard \(shard) had no client processing commands for \(seconds) s" }
    }

    /// Every gap of every shard.
    private(set) var gaps: [Gap] = []
    /// Each moment two clients of a shard processed commands at once, described.
    private(set) var overlaps: [String] = []

    /// Replays `records` (in time order) up to `end` (nanoseconds on the same clock).
    init(_ records: [BotStateRecord], until end: UInt64) {
        var processing: [Int: Set<String>] = [:]
        var idleSince: [Int: UInt64] = [:]
        for record in records {
            var clients = processing[record.shard] ?? []
            if record.state == .processing {
                if let since = idleSince.removeValue(forKey: record.shard) {
                    gaps.append(Gap(shard: record.shard, seconds: Self.seconds(record.nanoseconds - since)))
                }
                clients.insert(record.client)
                if clients.count > 1 {
                    overlaps.append("shard \(record.shard): \(clients.sorted()) processing at once")
                }
            } else if clients.remove(record.client) != nil, clients.isEmpty {
                idleSince[record.shard] = record.nanoseconds
            }
            processing[record.shard] = clients
        }
        for (shard, since) in idleSince where end > since {
            gaps.append(Gap(shard: shard, seconds: Self.seconds(end - since)))
        }
    }

    /// The system-wide monotonic clock the bots record on (Python's `time.monotonic_ns`), in nanoseconds:
    /// libdispatch's uptime, which on Linux is the same CLOCK_MONOTONIC. (Foundation's `timespec` and
    /// `clock_gettime` resolve through CNIOLinux in a clean build, which this target does not import.)
    static func now() -> UInt64 {
        DispatchTime.now().uptimeNanoseconds
    }

    private static func seconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e9 }
}
