#if canImport(Glibc)
import Glibc
#endif
public import Foundation
import Synchronization

/// The log file of a client that runs elsewhere (a container of a Swarm service): its output, received from the
/// orchestrator, is written by the daemon into the same file a local process would write, with the same header,
/// through the same redacting relay (``LogPolicy/redacting``), rotated the same way. `logs INSTANCE -f` and the
/// failure context of a deployment read it unchanged.
///
/// ```swift
/// let log = try ForwardedLog(policy: request.log, header: ForwardedLog.launchHeader(for: request))
/// for try await frame in engine.logs(container: id, follow: true) { log.write(frame.payload) }
/// log.close()
/// ```
public final class ForwardedLog: Sendable {
    /// The file and its cap.
    public let policy: LogPolicy
    private let descriptors: Mutex<(file: Int32, output: Int32)?>
    private let rotation: UInt64

    /// Opens (creates) the log of `policy`, writes `header` as a line, and starts its relay when it redacts.
    /// - Throws: ``SupervisorError`` with code `logFailed`, naming the file.
    public init(policy: LogPolicy, header: String) throws(SupervisorError) {
        self.policy = policy
        let log = LogFile(policy: policy, launchHeader: header)
        let file = try log.open(header: header)
        let output: Int32
        do {
            output = try log.output(into: file)
        } catch {
            Glibc.close(file)
            throw error
        }
        descriptors = Mutex((file, output))
        let logRotation = LogRotation(log)
        rotation = ProcessMonitor.shared.addPeriodic { logRotation.tick() }
    }

    deinit {
        close()
    }

    /// The header line of a launch, as ``LocalProcessLauncher`` writes it: time, client id, revision, argv.
    public static func launchHeader(for request: LaunchRequest, at date: Date = Date()) -> String {
        LaunchLogHeader.line(for: request, at: date)
    }

    /// A header line saying `what` happened now, e.g. `adopt shard-0.7 revision <sha>`.
    public static func header(_ what: String, at date: Date = Date()) -> String {
        "# \(LogFile.timestamp(date)) \(what)"
    }

    /// The last `maxBytes` of the log file, from a line start.
    public func tail(maxBytes: Int = 4096) -> String {
        LogFile(policy: policy).tail(maxBytes: maxBytes)
    }

    /// Appends `bytes` (through the relay when the policy redacts); nothing once closed.
    public func write(_ bytes: some Collection<UInt8>) {
        descriptors.withLock { descriptors in
            guard let descriptors else { return }
            LogFile.append(Array(bytes), to: descriptors.output)
        }
    }

    /// Closes the file (the relay writes what it holds and exits) and stops rotating it. Idempotent.
    public func close() {
        let closed = descriptors.withLock { descriptors in
            defer { descriptors = nil }
            return descriptors
        }
        guard let closed else { return }
        ProcessMonitor.shared.removePeriodic(rotation)
        Glibc.close(closed.output)
        if closed.file != closed.output { Glibc.close(closed.file) }
    }
}
