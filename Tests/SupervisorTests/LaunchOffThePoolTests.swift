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
}
