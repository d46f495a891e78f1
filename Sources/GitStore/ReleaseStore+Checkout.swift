public import FleetTypes
import Foundation

extension ReleaseStore {
    /// Materializes a revision at `<state>/releases/<full id>/`, or returns the existing release.
    ///
    /// A complete release is reused without touching libgit2. Otherwise the commit's tree is checked
    /// out into `releases/.tmp-<id>-<random>` (no HEAD, no index), a `REVISION` file holding the full
    /// id is written, and the folder is renamed into place, so an interrupted checkout never looks
    /// complete; its temporary folder is removed by the next checkout. Concurrent calls for the same
    /// revision share one checkout.
    ///
    /// - Parameter revision: a full id (the fast path) or anything ``resolve(_:)`` accepts.
    /// - Throws: ``GitStoreError`` `.unknownRevision`, `.notACommit`, `.submodules`, `.checkout`, `.fileSystem`.
    public func checkout(_ revision: Revision) async throws(GitStoreError) -> Release {
        let spec = revision.rawValue
        if Self.isFullID(spec), let release = layout.existingRelease(spec) {
            return release
        }
        let id = Self.isFullID(spec) ? spec : try await resolve(spec).id.rawValue
        if let release = layout.existingRelease(id) {
            return release
        }
        if checkoutsInFlight[id] != nil {
            let result = await withCheckedContinuation { checkoutsInFlight[id, default: []].append($0) }
            return try result.get()
        }
        checkoutsInFlight[id] = []
        let result: Result<Release, GitStoreError>
        do {
            result = .success(try await performCheckout(id))
        } catch {
            result = .failure(error)
        }
        for waiter in checkoutsInFlight.removeValue(forKey: id) ?? [] {
            waiter.resume(returning: result)
        }
        return try result.get()
    }

    /// The complete release of a full commit id, if it exists; no libgit2 involved.
    public nonisolated func existingRelease(_ id: Revision) -> Release? {
        layout.existingRelease(id.rawValue)
    }

    /// Every complete release, newest checkout first.
    public nonisolated func releases() -> [Release] {
        layout.releases()
    }

    /// Removes leftovers of interrupted checkouts, then checks `id` out on the thread pool.
    private func performCheckout(_ id: String) async throws(GitStoreError) -> Release {
        let layout = self.layout
        let temporary = layout.temporaryDirectory(for: id)
        let leftovers = layout.leftoverTemporaryFolders(excluding: temporaryFoldersInUse)
        temporaryFoldersInUse.insert(temporary)
        defer { temporaryFoldersInUse.remove(temporary) }
        checkoutsPerformed += 1
        return try await LibGit2.runOnThreadPool("checking out a release") {
            for path in leftovers {
                try layout.remove(path, operation: "removing an interrupted checkout")
            }
            return try ReleaseCheckout.perform(id: id, into: temporary, layout: layout)
        }
    }

    /// Whether `text` is a full lowercase 40-hex object id.
    static func isFullID(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
