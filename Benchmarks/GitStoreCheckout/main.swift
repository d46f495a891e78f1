import Foundation
import GitStore

// gitstore-benchmark [--only] [--fetch-only] [--repetitions N] [--good-tags N] [REPO_PATH]
//
// Checks out a generated repository (5,010 files, 56.8 MB) and, when given, a real one, with the
// release store, `git archive | tar -x` and `git worktree add`, several times each, and prints the
// medians, the ratio of the store to the faster baseline (target <= 1.2x) and the reuse time of an
// existing release (target < 5 ms). `--only` skips the generated repository when a path is given.
// Then times a deployment's fetch by a mirror holding `--good-tags` good tags (default 1,000) against
// the same fetch by one holding none (target: at most 50 µs added by each tag); `--fetch-only` skips
// the checkouts.

var arguments = Array(CommandLine.arguments.dropFirst())
let onlyGiven = arguments.contains("--only")
arguments.removeAll { $0 == "--only" }
let fetchOnly = arguments.contains("--fetch-only")
arguments.removeAll { $0 == "--fetch-only" }
var goodTags = 1_000
if let flag = arguments.firstIndex(of: "--good-tags"), flag + 1 < arguments.count {
    goodTags = max(0, Int(arguments[flag + 1]) ?? goodTags)
    arguments.removeSubrange(flag...flag + 1)
}
var repetitions = 7
if let flag = arguments.firstIndex(of: "--repetitions"), flag + 1 < arguments.count {
    repetitions = max(1, Int(arguments[flag + 1]) ?? repetitions)
    arguments.removeSubrange(flag...flag + 1)
}
let work = FileManager.default.temporaryDirectory.appendingPathComponent("gitstore-benchmark").path
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)

var sources: [String] = []
if !fetchOnly, !(onlyGiven && !arguments.isEmpty) {
    sources.append(GeneratedRepository.ensure(under: work).path)
}
if !fetchOnly {
    sources += arguments.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
}
var failed = false
for source in sources {
    let result = try await CheckoutBenchmark(source: source, work: work, repetitions: repetitions).run()
    print(result.report)
    failed = failed || !result.meetsTargets
}
let fetches = try await FetchHistoryBenchmark(work: work, goodTags: goodTags, repetitions: repetitions).run()
print(fetches.report)
failed = failed || !fetches.meetsTargets
print(failed ? "TARGETS MISSED" : "all targets met")
