// Status answer encoding benchmark (run on demand):
//   swift run -c release answer-encoding-benchmark [INSTANCES]
// Encodes the status document of a fleet of INSTANCES (default 200) instances, each with an active, a standby and
// a candidate that sent a heartbeat (the document of a rollout's bake), with Foundation's JSONEncoder as the
// admin API used it (sorted keys, ISO 8601 dates: the baseline), with AnswerEncoder (the answers' generic encoder)
// and with the status document's direct writer (AnswerWritable, what the daemon answers `GET /v1/status` with), and
// prints the time per document of each, the ratios, and whether they all wrote the same bytes.
import AdminAPI
import Foundation

let instances = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 200
let revision = String(repeating: "ab", count: 20)

func client(_ instance: Int, _ launch: Int, _ state: String) -> String {
    """
    {"client": "shard-\(instance).\(launch)", "revision": "\(revision)", "pid": \(10_000 + instance), "state": "\(state)",
     "epoch": \(launch), "since": "2026-12-04T06:01:00Z", "confirm_by": null, "restarts": 0, "rss_bytes": 31457280,
     "cpu_seconds": 1.25, "launched_at": "2026-12-04T06:00:00Z",
     "heartbeat": {"at": "2026-12-04T06:02:48Z", "stats": {"guilds": 1500, "latency": 0.042, "cogs": ["music", "admin"]}}}
    """
}

let instanceTexts = (0..<instances).map { index in
    """
    {"instance": \(index), "epoch": 4, "active": \(client(index, 4, "serving")), "standby": \(client(index, 3, "standby")),
     "candidate": \(client(index, 5, "health-check"))}
    """
}
let statusText = """
    {"state": "deploying", "halt_reason": null, "revision": null, "last_good": null, "deployment": null,
     "instances": [\(instanceTexts.joined(separator: ","))], "bad": [], "store_error": null}
    """
let decoder = JSONDecoder()
decoder.dateDecodingStrategy = .iso8601
let status = try decoder.decode(StatusSnapshot.self, from: Data(statusText.utf8))

func measure(_ label: String, rounds: Int, _ body: () throws -> Int) rethrows -> Duration {
    _ = try body()  // warm-up
    let clock = ContinuousClock()
    var bytes = 0
    let start = clock.now
    for _ in 0..<rounds { bytes = try body() }
    let perDocument = start.duration(to: clock.now) / rounds
    print("  \(label): \(perDocument.formatted(.units(allowed: [.milliseconds], fractionalPart: .show(length: 2)))) per document (\(bytes) bytes)")
    return perDocument
}

print("status document of \(instances) instances, \(instances * 3) clients:")
let foundation = try measure("Foundation JSONEncoder (baseline)", rounds: 20) { try StatusSnapshot.encoder.encode(status).count }
let encoder = try measure("AnswerEncoder", rounds: 20) { try AnswerEncoder().encode(status).count }
let direct = try measure("direct writer (AnswerWritable)", rounds: 100) { try status.answerText().count }
let reference = try [UInt8](StatusSnapshot.encoder.encode(status))
let same = try reference == AnswerEncoder().encode(status) && reference == status.answerText()
func ratio(_ numerator: Duration, _ denominator: Duration) -> String { String(format: "%.1fx", numerator / denominator) }
print("  AnswerEncoder: \(ratio(foundation, encoder)) faster than Foundation")
print("  direct writer: \(ratio(foundation, direct)) faster than Foundation, \(ratio(encoder, direct)) faster than AnswerEncoder")
print("  the same bytes: \(same)")
