#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Removes the logs of releases that are gone, so that `<state>/logs` does not grow by a file per client with every
/// deployment: a launch's logs go with its release when release retention (`state.keep_releases`) removes it.
///
/// A launch log is `<logs>/<instance>/<client>.log` with its rotations `<client>.log.1` ... (``LogPolicy``); whose
/// it is, its first line says (``LaunchLogHeader``: the live file's, else the newest rotation's that has one). A
/// build log is `<logs>/build/<revision>.log`. A file this cannot attribute (no header: not written by urban-robot,
/// or damaged) is left alone, as is every other file and folder.
///
/// A log's header is read once: the retention remembers whose each launch log is for as long as the log is there.
/// A launch log is named after its client, and a client's id is never given twice in a state folder (each
/// instance's launch counter is stored), so a name read once stays that launch's. At 200 shards a pass read some
/// 1,200 first lines after every deployment (0.05 s of CPU, 6 % of a rollout's). Only a header naming the file's
/// own client is remembered; a name no longer listed is forgotten.
///
/// ```swift
/// let retention = LaunchLogRetention(folder: "\(state)/logs")
/// let removed = retention.removeLogs(keepingRevisions: keptReleases, runningClients: ["shard-0.7"])
/// ```
public final class LaunchLogRetention: Sendable {
    /// The logs folder, `<state>/logs`.
    public let folder: String
    /// The header of each launch log read so far, by the live file's path (`<folder>/<instance>/<client>.log`).
    private let owners = Mutex<[String: LaunchLogHeader]>([:])

    /// The retention of the logs under `folder` (`<state>/logs`).
    public init(folder: String) {
        self.folder = folder
    }

    /// How many launch logs' headers the retention remembers (for tests).
    var rememberedOwners: Int { owners.withLock { $0.count } }

    /// Removes every launch log (the live file and its rotations) whose revision is not in `revisions`, unless its
    /// client is in `runningClients`, and every build log of a revision not in `revisions`. Blocks on the file
    /// system: call it off the driver's thread and the event loops. Returns the paths removed.
    @discardableResult
    public func removeLogs(keepingRevisions revisions: Set<String>, runningClients: Set<String>) -> [String] {
        owners.withLock { owners in
            var removed: [String] = []
            var listed: [String: LaunchLogHeader] = [:]
            for name in names(in: folder) {
                let instanceFolder = "\(folder)/\(name)"
                if name == "build" {
                    removed += removeBuildLogs(in: instanceFolder, keeping: revisions)
                } else if !name.isEmpty, name.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    removed += removeLaunchLogs(
                        in: instanceFolder, keeping: revisions, runningClients: runningClients, known: owners,
                        kept: &listed
                    )
                }
            }
            owners = listed
            return removed
        }
    }

    /// The launch logs of one instance's folder; the headers of those it keeps go to `kept` (a header in `known`
    /// is not read again).
    private func removeLaunchLogs(
        in folder: String, keeping revisions: Set<String>, runningClients: Set<String>,
        known: [String: LaunchLogHeader], kept: inout [String: LaunchLogHeader]
    ) -> [String] {
        var removed: [String] = []
        for (base, rotations) in Self.launchLogs(names(in: folder)) {
            let path = "\(folder)/\(base)"
            let files = [base] + rotations.map { "\(base).\($0)" }
            let header = known[path]
                ?? files.lazy.compactMap { LaunchLogHeader(readingFirstLineOf: "\(folder)/\($0)") }.first
            guard let header else { continue }
            if revisions.contains(header.revision) || runningClients.contains(header.clientID) {
                if base == "\(header.clientID).log" { kept[path] = header }
                continue
            }
            for file in files where unlink("\(folder)/\(file)") == 0 {
                removed.append("\(folder)/\(file)")
            }
        }
        return removed
    }

    /// The build logs, `<revision>.log`, of revisions not in `revisions`.
    private func removeBuildLogs(in folder: String, keeping revisions: Set<String>) -> [String] {
        names(in: folder).compactMap { name in
            guard name.hasSuffix(".log") else { return nil }
            let revision = String(name.dropLast(4))
            guard !revision.isEmpty, revision.allSatisfy(\.isHexDigit), !revisions.contains(revision) else { return nil }
            return unlink("\(folder)/\(name)") == 0 ? "\(folder)/\(name)" : nil
        }
    }

    /// The launch logs among a folder's `names`: each live file's name (`<client>.log`, present or not) with the
    /// numbers of its rotations (`<client>.log.<n>`), newest (lowest) first.
    static func launchLogs(_ names: [String]) -> [String: [Int]] {
        var logs: [String: [Int]] = [:]
        for name in names {
            if isLiveLog(name[...]) {
                logs[name, default: []] += []
            } else if let dot = name.lastIndex(of: "."), isLiveLog(name[..<dot]) {
                let suffix = name[name.index(after: dot)...]
                guard suffix.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(suffix), number > 0 else { continue }
                logs[String(name[..<dot]), default: []].append(number)
            }
        }
        return logs.mapValues { $0.sorted() }
    }

    /// Whether `name` is a live log's: `<something>.log`.
    private static func isLiveLog(_ name: Substring) -> Bool {
        name.hasSuffix(".log") && name.count > 4
    }

    /// The names in `folder`; none when it cannot be read.
    private func names(in folder: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    }
}
