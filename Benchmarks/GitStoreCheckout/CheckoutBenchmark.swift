import Foundation
import GitStore

/// One source measured: the store's checkout against `git archive | tar -x` and `git worktree add`.
struct CheckoutBenchmark {
    let source: String
    let work: String
    let repetitions: Int

    struct Result {
        let source: String
        let files: Int
        let megabytes: Double
        let store: Duration
        let archive: Duration
        let worktree: Duration
        let reuse: Duration

        var ratio: Double { store / min(archive, worktree) }
        var meetsTargets: Bool { ratio <= 1.2 && reuse < .milliseconds(5) }

        var report: String {
            func ms(_ duration: Duration) -> String { String(format: "%8.1f ms", duration / .milliseconds(1)) }
            return """

                source: \(source) (\(files) files, \(String(format: "%.1f", megabytes)) MB)
                  release store checkout   \(ms(store))
                  git archive | tar -x     \(ms(archive))
                  git worktree add         \(ms(worktree))
                  ratio vs faster baseline \(String(format: "%8.2f", ratio))x   (target <= 1.20x)
                  reuse of a release       \(String(format: "%8.3f ms", reuse / .milliseconds(1)))   (target < 5 ms)
                """
        }
    }

    func run() async throws -> Result {
        let state = "\(work)/state-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let store = try await ReleaseStore(configuration: .init(stateDirectory: state, sourceURL: source))
        let clock = ContinuousClock()
        let fetchTime = try await clock.measure { try await store.fetch() }
        let id = try await store.resolve("HEAD").id
        print("fetched \(source) in \(fetchTime); checking out \(id) \(repetitions) times each ...")
        let gitDir = Shell.quote(store.repositoryPath)

        var storeTimes: [Duration] = []
        var archiveTimes: [Duration] = []
        var worktreeTimes: [Duration] = []
        for repetition in 0..<repetitions {
            if let release = store.existingRelease(id) {
                try FileManager.default.removeItem(atPath: release.directory)
            }
            storeTimes.append(try await clock.measure { _ = try await store.checkout(id) })

            let archiveTarget = "\(work)/archive-\(repetition)"
            try FileManager.default.createDirectory(atPath: archiveTarget, withIntermediateDirectories: true)
            archiveTimes.append(clock.measure {
                Shell.run("git --git-dir=\(gitDir) archive \(id) | tar -x -C \(Shell.quote(archiveTarget))")
            })
            try FileManager.default.removeItem(atPath: archiveTarget)

            let worktreeTarget = "\(work)/worktree-\(repetition)"
            worktreeTimes.append(clock.measure {
                Shell.run("git --git-dir=\(gitDir) worktree add -q --detach \(Shell.quote(worktreeTarget)) \(id)")
            })
            Shell.run("git --git-dir=\(gitDir) worktree remove --force \(Shell.quote(worktreeTarget))")
        }
        let release = try await store.checkout(id)
        var reuseTimes: [Duration] = []
        for _ in 0..<200 {
            reuseTimes.append(try await clock.measure { _ = try await store.checkout(id) })
        }
        let counts = Shell.run("find \(Shell.quote(release.directory)) -type f -o -type l | wc -l; du -sb \(Shell.quote(release.directory))")
            .split(whereSeparator: \.isWhitespace)
        return Result(
            source: source, files: Int(counts.first ?? "0") ?? 0,
            megabytes: Double(counts.dropFirst().first ?? "0").map { $0 / 1_000_000 } ?? 0,
            store: median(storeTimes), archive: median(archiveTimes), worktree: median(worktreeTimes),
            reuse: median(reuseTimes))
    }

    private func median(_ durations: [Duration]) -> Duration {
        durations.sorted()[durations.count / 2]
    }
}
