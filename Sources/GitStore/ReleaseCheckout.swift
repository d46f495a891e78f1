internal import CGit2
import Foundation

/// The synchronous work of materializing one commit as a release folder.
///
/// Opens its own repository handle and only reads the object database, so checkouts of different
/// revisions run in parallel on the thread pool; the actor coalesces requests for the same revision.
/// The files are written by ``ReleaseWriter``, filtered when attributes ask for it.
enum ReleaseCheckout {
    /// Checks commit `id` out into the new folder `temporary`, writes `REVISION`, and renames it into place.
    static func perform(id: String, into temporary: String, layout: ReleaseLayout) throws -> Release {
        let operation = "checking out a release"
        try createFolder(layout.releasesPath, intermediate: true, operation: operation)
        try createFolder(temporary, intermediate: false, operation: operation)
        do {
            try GitRepositoryHandle.withRepository(at: layout.repositoryPath, operation: operation) { repository in
                try repository.withCommit(id: id, operation: operation) { commit in
                    var tree: OpaquePointer?
                    try LibGit2.check(git_commit_tree(&tree, commit), .checkout, operation, input: id)
                    defer { git_tree_free(tree) }
                    let listing = try TreeListing(tree: tree, id: id, operation: operation)
                    try rejectSubmodules(listing, id: id, operation: operation)
                    try ReleaseWriter.write(
                        listing, into: temporary, repository: repository, id: id,
                        filtered: listing.hasAttributes || hasAttributeFiles(layout), operation: operation)
                }
            }
            try writeRevisionFile(id: id, in: temporary, operation: operation)
            return try moveIntoPlace(temporary, id: id, layout: layout, operation: operation)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Throws ``GitStoreError/Code/submodules`` naming the submodule paths when the tree has any.
    private static func rejectSubmodules(_ listing: TreeListing, id: String, operation: String) throws {
        guard listing.submodules.isEmpty else {
            throw GitStoreError(
                .submodules, operation: operation, input: id,
                detail: "the commit has submodules (\(listing.submodules.joined(separator: ", "))), which releases "
                    + "do not support; vendor them into the repository")
        }
    }

    /// Whether the mirror itself declares attributes (`info/attributes`), which may turn on filters.
    private static func hasAttributeFiles(_ layout: ReleaseLayout) -> Bool {
        FileManager.default.fileExists(atPath: layout.repositoryPath + "/info/attributes")
    }

    /// Writes `<directory>/REVISION` holding `id` and a newline.
    private static func writeRevisionFile(id: String, in directory: String, operation: String) throws {
        let path = "\(directory)/\(ReleaseLayout.revisionFileName)"
        do {
            try Data("\(id)\n".utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw GitStoreError(
                .fileSystem, operation: operation, input: path, detail: "the REVISION file could not be written",
                cause: error)
        }
    }

    /// Renames the finished temporary folder to `releases/<id>`; if another writer got there first,
    /// keeps theirs and removes ours.
    private static func moveIntoPlace(
        _ temporary: String, id: String, layout: ReleaseLayout, operation: String
    ) throws -> Release {
        let final = layout.directory(for: id)
        if rename(temporary, final) != 0 {
            let code = errno
            if let existing = layout.existingRelease(id) {
                try? FileManager.default.removeItem(atPath: temporary)
                return existing
            }
            throw GitStoreError(
                .fileSystem, operation: operation, input: final,
                detail: "the finished checkout could not be renamed into place: \(String(cString: strerror(code)))")
        }
        guard let release = layout.existingRelease(id) else {
            throw GitStoreError(.fileSystem, operation: operation, input: final, detail: "the release vanished")
        }
        return release
    }

    /// Creates a folder (mode 0755), mapping failures to ``GitStoreError/Code/fileSystem``.
    private static func createFolder(_ path: String, intermediate: Bool, operation: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: intermediate, attributes: [.posixPermissions: 0o755])
        } catch {
            throw GitStoreError(
                .fileSystem, operation: operation, input: path,
                detail: "the folder could not be created; check that the state directory is writable",
                cause: error)
        }
    }
}
