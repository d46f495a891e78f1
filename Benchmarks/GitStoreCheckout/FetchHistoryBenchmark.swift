import FleetTypes
import Foundation
import GitStore
import Synchronization

/// What a deployment's fetch costs as the mirror's good tags pile up (one a successful rollout): the same fetch,
/// of a source with a commit for each good tag, by a store whose mirror holds no good tag (the baseline) and by one
/// that holds `goodTags` of them, each after a new commit at the source, as a deployment's fetch is.
struct FetchHistoryBenchmark {
    let work: String
    let goodTags: Int
    let repetitions: Int

    struct Result {
        let goodTags: Int
        let withoutTags: Duration
        let withTags: Duration

        var ratio: Double { withTags / withoutTags }
        /// What each good tag adds to a fetch, in microseconds.
        var perTag: Double { goodTags == 0 ? 0 : (withTags - withoutTags) / .microseconds(1) / Double(goodTags) }
        /// A year of daily rollouts (365 good tags) may add under 20 ms to a deployment's fetch: at most 50 µs a
        /// tag. What is left is libgit2's (its transport hides every local reference from the source's walk).
        var meetsTargets: Bool { perTag <= 50 }

        var report: String {
            func ms(_ duration: Duration) -> String { String(format: "%8.1f ms", duration / .milliseconds(1)) }
            return """

                fetch of a new commit (median of the repetitions)
                  mirror without good tags        \(ms(withoutTags))
                  mirror with \(String(format: "%5d", goodTags)) good tags     \(ms(withTags))   (\(String(format: "%.2f", ratio))x)
                  added by each good tag          \(String(format: "%8.1f µs", perTag))   (target <= 50 µs)
                """
        }
    }

    func run() async throws -> Result {
        let run = "\(work)/fetch-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: run) }
        let source = "\(run)/source"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        Shell.run("git init -q -b main .", in: source)

        // One commit a rollout, each tagged good, as a fleet's history is: made by `git fast-import` at once.
        let commits = (0..<goodTags).map { index in
            let message = "rollout \(index)\n", content = "print(\(index))\n"
            return "commit refs/heads/main\nmark :\(index + 1)\n"
                + "committer Bench <bench@example.invalid> \(1_700_000_000 + index) +0000\n"
                + "data \(message.utf8.count)\n\(message)\(index == 0 ? "" : "from :\(index)\n")"
                + "M 644 inline bot.py\ndata \(content.utf8.count)\n\(content)"
        }
        try Data(commits.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: "\(run)/history.fi"))
        Shell.run("git fast-import --quiet < ../history.fi && git reset -q --hard main", in: source)
        let bare = try await store(state: "\(run)/bare", source: source)
        let tagged = try await store(state: "\(run)/tagged", source: source)
        print("making \(goodTags) good tags, one on each commit ...")
        for index in 0..<goodTags {
            let commit = try await tagged.resolve("main~\(goodTags - 1 - index)").id
            try await tagged.markGood(commit, deployment: "d-\(index)", health: "benchmark")
        }

        var times: [Bool: [Duration]] = [:]
        let clock = ContinuousClock()
        for repetition in 0..<repetitions {
            Shell.run("echo \(repetition) >> bot.py && git commit -q -am r\(repetition)", in: source)
            // Alternate which store fetches first, so that neither always finds the source's new objects cold.
            for withTags in repetition.isMultiple(of: 2) ? [false, true] : [true, false] {
                let store = withTags ? tagged : bare
                times[withTags, default: []].append(try await clock.measure { try await store.fetch(revision: "main") })
            }
        }
        return Result(goodTags: goodTags, withoutTags: median(times[false] ?? []), withTags: median(times[true] ?? []))
    }

    /// A store on `source`, fetched once; its good tags are a second apart (as rollouts' are, at least).
    private func store(state: String, source: String) async throws -> ReleaseStore {
        let seconds = Mutex(1_700_000_000.0)
        let store = try await ReleaseStore(configuration: .init(
            stateDirectory: state, sourceURL: source,
            now: { Date(timeIntervalSince1970: seconds.withLock { $0 += 1; return $0 }) }))
        try await store.fetch()
        return store
    }
}
