#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where the state directory keeps the mirror and the releases (ARCHITECTURE.md, "State on disk").
///
/// `<state>/repo.git` is the bare mirror; `<state>/releases/<full id>/` a complete release; a folder
/// `<state>/releases/.tmp-<full id>-<random>` a checkout in progress, or the leftover of an interrupted one.
struct ReleaseLayout: Sendable, Hashable {
    /// The name of the file in each release that holds its full commit id.
    static let revisionFileName = "REVISION"
    /// The name prefix of temporary checkout folders.
    static let temporaryPrefix = ".tmp-"

    let stateDirectory: String
    let repositoryPath: String
    let releasesPath: String

    init(stateDirectory: String) {
        let state = URL(fileURLWithPath: stateDirectory).standardizedFileURL.path
        self.stateDirectory = state
        self.repositoryPath = state + "/repo.git"
        self.releasesPath = state + "/releases"
    }

    /// `<state>/releases/<id>`.
    func directory(for id: String) -> String { "\(releasesPath)/\(id)" }

    /// A fresh temporary folder path for a checkout of `id`.
    func temporaryDirectory(for id: String) -> String {
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        return "\(releasesPath)/\(Self.temporaryPrefix)\(id)-\(random)"
    }

    /// The complete release of `id`, if there is one: its folder holds a `REVISION` file naming `id`.
    ///
    /// Every launch asks (200 at 200 shards): the file's time comes from `stat(2)`, as `FileManager`'s attributes
    /// would give it, without their owner and group names (a look-up in the user and group databases each).
    func existingRelease(_ id: String) -> Release? {
        let directory = directory(for: id)
        let revisionFile = "\(directory)/\(Self.revisionFileName)"
        var status = stat()
        guard let contents = FileManager.default.contents(atPath: revisionFile),
            String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == id,
            stat(revisionFile, &status) == 0
        else { return nil }
        let modified = Date(
            timeIntervalSince1970: TimeInterval(status.st_mtim.tv_sec) + TimeInterval(status.st_mtim.tv_nsec) / 1e9)
        return Release(id: id, directory: directory, checkedOutAt: modified)
    }

    /// Every complete release, newest checkout first.
    func releases() -> [Release] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releasesPath)) ?? []
        return names.filter { !$0.hasPrefix(".") }
            .compactMap(existingRelease)
            .sorted { ($0.checkedOutAt, $0.id) > ($1.checkedOutAt, $1.id) }
    }

    /// Paths of temporary folders not in `inUse` (leftovers of interrupted checkouts).
    func leftoverTemporaryFolders(excluding inUse: Set<String>) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releasesPath)) ?? []
        return names.filter { $0.hasPrefix(Self.temporaryPrefix) }
            .map { "\(releasesPath)/\($0)" }
            .filter { !inUse.contains($0) }
    }

    /// Removes the folder `path` and everything in it.
    func remove(_ path: String, operation: String) throws {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw GitStoreError(
                .fileSystem, operation: operation, input: path, detail: "the folder could not be removed",
                cause: error)
        }
    }
}
