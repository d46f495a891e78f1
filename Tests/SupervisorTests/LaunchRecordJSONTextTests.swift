import Foundation
import Supervisor
import Testing
import TestSupport

/// A launch record's JSON text reads back, with `JSONDecoder`, as the same record: with and without a location,
/// strings that need escapes, launch times whole and fractional.
@Suite struct LaunchRecordJSONTextTests {
    @Test func recordsReadBackAsTheyWere() throws {
        var generator = SystemRandomNumberGenerator()
        func text() -> String { RandomJSONText.string(maxLength: 10, using: &generator) }
        var records = [
            LaunchRecord(pid: 4242, processGroup: 4242, startTicks: 123_456, bootID: "b0-0t", clientID: "shard-0.7",
                         revision: String(repeating: "a", count: 40), logPath: "/srv/state/logs/0/shard-0.7.log",
                         launchedAt: 1_765_100_000.123),
            LaunchRecord(pid: Int32.max, processGroup: 1, startTicks: UInt64.max, bootID: "", clientID: "", revision: "",
                         logPath: "", launchedAt: 0,
                         location: ClientLocation(service: "s", serviceID: "i", taskID: "t", containerID: "c",
                                                  nodeID: "n", node: "")),
            LaunchRecord(pid: -1, processGroup: 0, startTicks: 0, bootID: "x", clientID: "y", revision: "z", logPath: "/",
                         launchedAt: 1e-7),
        ]
        for _ in 0..<300 {
            let location = Bool.random(using: &generator)
                ? ClientLocation(service: text(), serviceID: text(), taskID: text(), containerID: text(), nodeID: text(),
                                 node: text())
                : nil
            records.append(LaunchRecord(
                pid: Int32.random(in: 1...Int32.max, using: &generator), processGroup: Int32.random(in: 1...99_999, using: &generator),
                startTicks: UInt64.random(in: 0...UInt64.max, using: &generator), bootID: text(), clientID: text(),
                revision: text(), logPath: text(),
                launchedAt: Double.random(in: 0..<4_102_444_800, using: &generator).rounded(.down)
                    + [0, 0.5, 0.001, 0.123456789].randomElement(using: &generator)!,
                location: location))
        }
        for record in records {
            let text = try record.jsonText()
            #expect(try JSONDecoder().decode(LaunchRecord.self, from: Data(text.utf8)) == record, "\(text)")
        }
    }

    @Test func aLaunchTimeThatIsNotANumberIsRefusedAsTheEncoderRefusesIt() {
        for time in [Double.nan, .infinity, -.infinity] {
            let record = LaunchRecord(pid: 1, processGroup: 1, startTicks: 1, bootID: "b", clientID: "c", revision: "r",
                                      logPath: "/l", launchedAt: time)
            #expect(throws: EncodingError.self) { try record.jsonText() }
            #expect(throws: EncodingError.self) { try JSONEncoder().encode(record) }
        }
    }
}
