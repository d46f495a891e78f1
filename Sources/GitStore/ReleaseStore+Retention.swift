public import FleetTypes

extension ReleaseStore {
    /// Removes old releases so that at most `keep` remain, never a protected one.
    ///
    /// Protected are the ids in `protected` (the engine's: the revisions its clients run, the newest good tag's and
    /// the last good one's). They are kept first; the remaining slots go to the newest other releases (by
    /// checkout time); the rest are removed, oldest first. More than `keep` remain only when more are
    /// protected. Leftovers of interrupted checkouts are removed too.
    /// - Parameters:
    ///   - protected: full ids that must stay.
    ///   - keep: how many releases to keep; `nil` means `state.keep_releases`.
    /// - Returns: the removed ids.
    /// - Throws: ``GitStoreError`` `.fileSystem`, `.invalidArgument` for a negative `keep`.
    @discardableResult
    public func removeOldReleases(protecting protected: Set<Revision>, keep: Int? = nil) async throws(GitStoreError)
        -> [String]
    {
        let keep = keep ?? configuration.keepReleases
        guard keep >= 0 else {
            throw GitStoreError(
                .invalidArgument, operation: "removing old releases", input: "\(keep)",
                detail: "keep_releases is negative")
        }
        let protectedIDs = Set(protected.map(\.rawValue))
        let releases = layout.releases()
        let kept = releases.filter { protectedIDs.contains($0.id) }
        let others = releases.filter { !protectedIDs.contains($0.id) }
        let victims = others.dropFirst(max(0, keep - kept.count)).reversed().map(\.id)
        let layout = self.layout
        let leftovers = layout.leftoverTemporaryFolders(excluding: temporaryFoldersInUse)
        return try await LibGit2.runOnThreadPool("removing old releases") {
            for path in leftovers {
                try layout.remove(path, operation: "removing an interrupted checkout")
            }
            for id in victims {
                try layout.remove(layout.directory(for: id), operation: "removing an old release")
            }
            return Array(victims)
        }
    }
}
