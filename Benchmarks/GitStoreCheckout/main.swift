import Foundation
import GitStore

// gitstore-benchmark [REPO_PATH]
//
// Checks out a generated repository (5,000 files, 55 MB) and, when given, a real one, with the
// release store, `git archive | tar -x` and `git worktree add`, several times each, and prints the
// medians, the ratio of the store to the faster baseline (target <= 1.2x) and the reuse time of an
// existing release (target < 5 ms).

let repetitions = 7
let work = FileManager.default.temporaryDirectory.appendingPathComponent("gitstore-benchmark").path
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)

var sources = [GeneratedRepository.ensure(under: work).path]
if CommandLine.arguments.count > 1 {
    sources.append(URL(fileURLWithPath: CommandLine.arguments[1]).standardizedFileURL.path)
}
var failed = false
for source in sources {
    let result = try await CheckoutBenchmark(source: source, work: work, repetitions: repetitions).run()
    print(result.report)
    failed = failed || !result.meetsTargets
}
print(failed ? "TARGETS MISSED" : "all targets met")
