// Supervisor benchmark (run on demand):
//   swift run -c release SupervisorBenchmark
// 1. Log throughput: a child writes 512 MiB as fast as it can into its
//    rotating log (cap 16 MiB, one kept file, rotated by copy-and-truncate
//    while it writes), against the same child writing into a plain file it
//    opened itself (baseline) and into /dev/null (the ceiling). Shows that a
//    fast writer is not slowed by the log.
// 2. Launch round trip: launch `true` and observe its exit, 200 times,
//    against Foundation.Process run + waitUntilExit of the same command.
// 3. Spawn cost against the descriptors the process holds: 500 spawns of
//    `true` with 10 and with 1,000 more descriptors open, by csup_lean_spawn
//    (every bot and relay) against posix_spawn with the same file actions (the
//    launcher's spawn before; its child copies the table and closes it all).
import FleetTypes
import Foundation
import Supervisor

let scratch = NSTemporaryDirectory() + "supervisor-benchmark-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }
let environment = try LaunchEnvironment(inherited: ProcessInfo.processInfo.environment).make(configured: [:], identity: nil)
let launcher = LocalProcessLauncher()
let clock = ContinuousClock()

func run(_ command: [String], log: LogPolicy) async throws -> Duration {
    let start = clock.now
    let process = try await launcher.launch(LaunchRequest(
        command: command, workingDirectory: scratch, environment: environment,
        clientID: "bench", revision: "bench", log: log))
    let exit = try await process.waitForExit()
    precondition(exit.status.isSuccess, "\(command) failed: \(exit.status)")
    return start.duration(to: clock.now)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let bytes = 512 << 20
let writer = ["head", "-c", String(bytes), "/dev/zero"]
let ceiling = try await run(writer, log: LogPolicy(path: "/dev/null"))
let plain = try await run(
    ["sh", "-c", "exec \(writer.joined(separator: " ")) > plain.out"], log: LogPolicy(path: "/dev/null"))
try? FileManager.default.removeItem(atPath: scratch + "/plain.out")
let logged = try await run(writer, log: LogPolicy(path: scratch + "/bench.log", maxBytes: 16 << 20, keptRotations: 1))
let mib = Double(bytes) / Double(1 << 20)
print(String(format: "log throughput: %.0f MiB/s into the rotating log, %.0f MiB/s into a plain file (ratio %.2f), "
    + "%.0f MiB/s into /dev/null", mib / seconds(logged), mib / seconds(plain), seconds(plain) / seconds(logged),
    mib / seconds(ceiling)))

let launches = 200
var ours = Duration.zero
for _ in 0..<launches { ours += try await run(["true"], log: LogPolicy(path: "/dev/null")) }
var foundation = Duration.zero
for _ in 0..<launches {
    let start = clock.now
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    foundation += start.duration(to: clock.now)
}
print(String(format: "launch + exit round trip: %.2f ms (LocalProcessLauncher), %.2f ms (Foundation.Process), ratio %.2f",
    seconds(ours) * 1000 / Double(launches), seconds(foundation) * 1000 / Double(launches), seconds(foundation) / seconds(ours)))

for descriptors in [10, 1_000, 4_000] {
    let lean = spawnCost(descriptors: descriptors, spawns: 500, lean: true)
    let posix = spawnCost(descriptors: descriptors, spawns: 500, lean: false)
    print(String(format: "spawn + wait with %d descriptors open: %.3f ms wall, %.3f ms CPU (csup_lean_spawn); "
        + "%.3f ms wall, %.3f ms CPU (posix_spawn); CPU ratio %.2f", descriptors, lean.wall, lean.cpu, posix.wall,
        posix.cpu, posix.cpu / lean.cpu))
}
