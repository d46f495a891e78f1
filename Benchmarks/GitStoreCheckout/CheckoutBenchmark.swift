import FleetTypes
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
        let run = "\(work)/run-\(UUID().uuidString)"
        let state = "\(run)/state"
        defer { try? FileManager.default.removeItem(atPath: run) }
        let store = try await ReleaseStore(configuration: .init(stateDirectory: state, sourceURL: source))
        let clock = ContinuousClock()
        let fetchTime = try await clock.measure { try await store.fetch() }
        let id = try await store.resolve("HEAD").id
        print("fetched \(source) in \(fetchTime); checking out \(id) \(repetitions) times each ...")
        let gitDir = Shell.quote(store.repositoryPath)

        var times: [Method: [Duration]] = [:]
        for repetition in 0..<repetitions {
            // Rotate the order so that no method always runs right after the same removal.
            for offset in 0..<Method.allCases.count {
                let method = Method.allCases[(repetition + offset) % Method.allCases.count]
                let target = "\(run)/\(method)-\(repetition)"
                let duration = try await measure(method, store: store, id: id, gitDir: gitDir, target: target)
                times[method, default: []].append(duration)
            }
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
            store: median(times[.store] ?? []), archive: median(times[.archive] ?? []),
            worktree: median(times[.worktree] ?? []),
            reuse: median(reuseTimes))
    }

    /// The three ways of materializing a commit that are compared.
    enum Method: CaseIterable {
        case store, archive, worktree
    }

    /// Times one checkout of `id` by `method` into a new folder; nothing is removed until the end
    /// (this machine's ext4 makes creating files right after removing thousands of them several
    /// times slower, which would punish whichever method runs after a removal).
    private func measure(
        _ method: Method, store: ReleaseStore, id: Revision, gitDir: String, target: String
    ) async throws -> Duration {
        let clock = ContinuousClock()
        switch method {
        case .store:
            let duration = try await clock.measure { _ = try await store.checkout(id) }
            try FileManager.default.moveItem(atPath: store.releasesPath + "/" + id.rawValue, toPath: target)
            return duration
        case .archive:
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            return clock.measure {
                Shell.run("git --git-dir=\(gitDir) archive \(id) | tar -x -C \(Shell.quote(target))")
            }
        case .worktree:
            return clock.measure {
                Shell.run("git --git-dir=\(gitDir) worktree add -q --detach \(Shell.quote(target)) \(id)")
            }
        }
    }
}
