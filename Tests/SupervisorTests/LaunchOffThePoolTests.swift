#if canImport(Glibc)
import Glibc
#endif
import FleetTypes
import Foundation
import Synchronization
import Testing
@testable import Supervisor

/// `launch` starts processes off Swift's cooperative pool: launches that block (here each opens a log that is a
/// FIFO nobody reads yet) leave the pool free for other work, the test's own task included.
@Suite struct LaunchOffThePoolTests {
    @Test func blockedLaunchesLeaveTheCooperativePoolFree() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // More launches than the pool has threads: started on the pool, they would hold all of them.
        let count = ProcessInfo.processInfo.activeProcessorCount * 2 + 2
        try FileManager.default.createDirectory(atPath: scratch.file("logs"), withIntermediateDirectories: true)
        let fifos = (0..<count).map { scratch.file("logs/shard-0.\($0).log") }
        for fifo in fifos { #expect(mkfifo(fifo, 0o600) == 0) }
        let readers = Mutex<[Int32]>([])
        let rescued = Mutex(false)
        // A guard outside the pool: if the pool is stuck, it opens the readers itself after 60 s, so that the test
        // fails instead of hanging.
        let guardThread = Thread {
            Thread.sleep(forTimeInterval: 60)
            readers.withLock { readers in
                guard readers.isEmpty else { return }
                rescued.withLock { $0 = true }
                readers = fifos.map { open($0, O_RDONLY | O_NONBLOCK) }
            }
        }
        guardThread.start()

        let launcher = LocalProcessLauncher()
        try await withThrowingTaskGroup(of: LaunchedProcess.self) { group in
            for index in 0..<count {
                let launch = try request(["true"], in: scratch, name: "shard-0.\(index)")
                group.addTask { try await launcher.launch(launch) }
            }
            // This task runs on the pool while every launch waits in open(2) for a reader.
            await Task.yield()
            readers.withLock { readers in
                if readers.isEmpty { readers = fifos.map { open($0, O_RDONLY | O_NONBLOCK) } }
            }
            var launched = 0
            for try await process in group {
                _ = await process.waitForExit(within: .seconds(60))
                launched += 1
            }
            #expect(launched == count)
        }
        #expect(!rescued.withLock { $0 }, "the launches held every thread of the cooperative pool")
        for reader in readers.withLock({ $0 }) where reader >= 0 { close(reader) }
    }

    /// The starts that block wait on the launcher's own threads, as many at a time as there are, and on no other
    /// thread: not on libdispatch's global queues, whose threads Swift's cooperative pool shares on Linux (a
    /// concurrent `DispatchQueue` passed the test above, since libdispatch adds threads, yet a rollout's starts
    /// held the pool's threads for seconds).
    @Test func blockedLaunchesWaitOnlyOnTheSpawningThreads() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let threads = DedicatedThreads.spawning.count
        let count = threads * 2 + 2
        try FileManager.default.createDirectory(atPath: scratch.file("logs"), withIntermediateDirectories: true)
        let fifos = (0..<count).map { scratch.file("logs/shard-0.\($0).log") }
        for fifo in fifos { #expect(mkfifo(fifo, 0o600) == 0) }
        let launcher = LocalProcessLauncher()
        try await withThrowingTaskGroup(of: LaunchedProcess.self) { group in
            for index in 0..<count {
                let launch = try request(["true"], in: scratch, name: "shard-0.\(index)")
                group.addTask { try await launcher.launch(launch) }
            }
            // Wait for the launcher's threads to block in open(2), then look every 20 ms for 200 ms more. A thread
            // blocked on a FIFO stays in open(2): a spawning thread may be missing from one look (a signal for
            // another test's child interrupts its open(2), which restarts), and the other tests of this process
            // open files for a moment on any thread. So what counts is the most spawning threads seen in one look,
            // and the other threads seen in open(2) in at least 8 of the last 10 looks.
            var mostSpawning = 0
            var looksInOpen: [String: Int] = [:]
            func look(counting: Bool) {
                let waiting = Self.threadsInOpen()
                mostSpawning = max(mostSpawning, waiting.count { $0.name == "urban-spawn" })
                guard counting else { return }
                for thread in waiting where thread.name != "urban-spawn" {
                    looksInOpen["\(thread.name) (\(thread.id))", default: 0] += 1
                }
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while mostSpawning < threads, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                look(counting: false)
            }
            for _ in 0..<10 {
                try await Task.sleep(for: .milliseconds(20))
                look(counting: true)
            }
            let strangers = looksInOpen.filter { $0.value >= 8 }.keys.sorted()
            let readers = fifos.map { open($0, O_RDONLY | O_NONBLOCK) }
            defer { for reader in readers where reader >= 0 { close(reader) } }
            #expect(strangers.isEmpty, "threads other than the launcher's waited in open(2): \(strangers)")
            #expect(mostSpawning == threads)
            var launched = 0
            for try await process in group {
                _ = await process.waitForExit(within: .seconds(60))
                launched += 1
            }
            #expect(launched == count)
        }
    }

    /// This process's threads that wait in `openat` (x86-64 syscall 257, or 56 on arm64): their ids and names.
    private static func threadsInOpen() -> [(id: String, name: String)] {
        #if arch(arm64)
        let openat = "56"
        #else
        let openat = "257"
        #endif
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { task -> (id: String, name: String)? in
            guard let syscall = try? String(contentsOfFile: "/proc/self/task/\(task)/syscall", encoding: .utf8),
                  syscall.split(separator: " ").first.map(String.init) == openat,
                  let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            else { return nil }
            return (task, name.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
