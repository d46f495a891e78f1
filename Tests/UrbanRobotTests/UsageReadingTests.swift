import Deployer
import FleetTypes
import Foundation
@testable import Supervisor
import Synchronization
import Testing
@testable import FleetDaemon

/// `status` reads each client's memory and CPU time at most once a second: a poller many times a second gets the
/// last reading again until it is a second old, and a client that exited is forgotten with its process.
@Suite struct UsageReadingTests {
    /// A client that answers its usage from a counter, and counts the reads.
    final class CountingClient: LaunchedClient {
        let record: LaunchRecord
        private let reads = Mutex(0)

        init(_ client: String) {
            record = LaunchRecord(
                pid: 4242, processGroup: 4242, startTicks: 1, bootID: "boot", clientID: client, revision: "abc",
                logPath: "/dev/null", launchedAt: 0)
        }

        var readCount: Int { reads.withLock { $0 } }

        func stop(timing: StopTiming, politely: (@Sendable () async -> Void)?) async -> StopOutcome {
            .alreadyExited(.unknown)
        }

        func usage() async -> ProcessUsage? {
            let count = reads.withLock { reads in
                reads += 1
                return reads
            }
            return ProcessUsage(rssBytes: count << 20, cpuSeconds: Double(count))
        }
    }

    @Test func aReadingIsAnsweredAgainUntilItIsASecondOld() async throws {
        let (processes, folder) = try Self.processes()
        defer { try? FileManager.default.removeItem(at: folder) }
        let client = ClientID(rawValue: "shard-0.1")
        let process = CountingClient(client.rawValue)
        processes.keep(process, as: client)
        let start = ContinuousClock.now

        #expect(await processes.usage(of: client, now: start)?.cpuSeconds == 1)
        #expect(await processes.usage(of: client, now: start + .milliseconds(999))?.cpuSeconds == 1)
        #expect(process.readCount == 1)
        #expect(await processes.usage(of: client, now: start + .seconds(1))?.cpuSeconds == 2)
        #expect(await processes.usage(of: client, now: start + .milliseconds(1_500))?.rssBytes == 2 << 20)
        #expect(process.readCount == 2)
    }

    @Test func eachClientHasItsOwnReadingAndAnExitedOneIsForgotten() async throws {
        let (processes, folder) = try Self.processes()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (first, second) = (ClientID(rawValue: "shard-0.1"), ClientID(rawValue: "shard-1.1"))
        let (firstProcess, secondProcess) = (CountingClient(first.rawValue), CountingClient(second.rawValue))
        processes.keep(firstProcess, as: first)
        processes.keep(secondProcess, as: second)
        let start = ContinuousClock.now
        _ = await processes.usage(of: first, now: start)
        _ = await processes.usage(of: second, now: start + .milliseconds(500))
        _ = await processes.usage(of: first, now: start + .milliseconds(1_200))
        _ = await processes.usage(of: second, now: start + .milliseconds(1_200))
        #expect(firstProcess.readCount == 2)
        #expect(secondProcess.readCount == 1)

        try await processes.remove([first])
        #expect(await processes.usage(of: first, now: start + .milliseconds(1_300)) == nil)
        #expect(!processes.holdsUsageReading(of: first))
        #expect(processes.holdsUsageReading(of: second))
        #expect(await processes.usage(of: ClientID(rawValue: "shard-2.1"), now: start) == nil, "not running")
    }

    /// A client whose usage read waits until it is let go, and says when it began.
    final class HeldClient: LaunchedClient {
        let record: LaunchRecord
        let (began, beginning) = AsyncStream.makeStream(of: Void.self)
        private let release = Mutex<CheckedContinuation<Void, Never>?>(nil)

        init(_ client: String) {
            record = CountingClient(client).record
        }

        func stop(timing: StopTiming, politely: (@Sendable () async -> Void)?) async -> StopOutcome {
            .alreadyExited(.unknown)
        }

        func usage() async -> ProcessUsage? {
            await withCheckedContinuation { held in
                release.withLock { $0 = held }
                beginning.yield()
            }
            return ProcessUsage(rssBytes: 1 << 20, cpuSeconds: 1)
        }

        func letGo() {
            release.withLock { $0 }?.resume()
        }
    }

    /// A read that was under way when its client exited keeps no reading: it would outlive the process.
    @Test func aReadUnderWayWhenTheClientIsRemovedKeepsNoReading() async throws {
        let (processes, folder) = try Self.processes()
        defer { try? FileManager.default.removeItem(at: folder) }
        let client = ClientID(rawValue: "shard-0.1")
        let process = HeldClient(client.rawValue)
        processes.keep(process, as: client)
        let reading = Task { await processes.usage(of: client) }
        var began = process.began.makeAsyncIterator()
        await began.next()
        try await processes.remove([client])
        process.letGo()
        #expect(await reading.value?.cpuSeconds == 1, "the caller still gets what it read")
        #expect(!processes.holdsUsageReading(of: client))
    }

    /// A client kept again (adopted after a restart, say) is read afresh.
    @Test func aClientKeptAgainIsReadAfresh() async throws {
        let (processes, folder) = try Self.processes()
        defer { try? FileManager.default.removeItem(at: folder) }
        let client = ClientID(rawValue: "shard-0.1")
        let (first, second) = (CountingClient(client.rawValue), CountingClient(client.rawValue))
        processes.keep(first, as: client)
        let start = ContinuousClock.now
        _ = await processes.usage(of: client, now: start)
        processes.keep(second, as: client)
        _ = await processes.usage(of: client, now: start + .milliseconds(10))
        #expect(first.readCount == 1)
        #expect(second.readCount == 1)
    }

    /// Processes backed by a fresh store in a folder of their own (the caller removes it).
    static func processes() throws -> (RunningProcesses, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("usage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try DeployerStore(path: folder.appendingPathComponent("state.sqlite").path)
        let records = try LaunchRecordStore(database: store.writer)
        let logs = ClientLogPolicy(secrets: [], keys: DerivedKeySource(secret: "s"))
        return (RunningProcesses(records: records, logs: logs), folder)
    }
}
