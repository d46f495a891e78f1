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
                        filtered: try needsFilters(listing, repository: repository, layout: layout, id: id),
                        operation: operation)
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

    /// Whether any attribute file (the tree's `.gitattributes`, the mirror's `info/attributes`) may
    /// turn on a content filter: it mentions `text`, `eol`, `crlf`, `ident`, `filter`,
    /// `working-tree-encoding`, or defines a macro. Others (`linguist-*`, `diff`, `export-ignore`, ...)
    /// leave the files as their blobs, which are then written without the per-file attribute lookups.
    private static func needsFilters(
        _ listing: TreeListing, repository: GitRepositoryHandle, layout: ReleaseLayout, id: String
    ) throws -> Bool {
        var texts: [String] = []
        if let local = FileManager.default.contents(atPath: layout.repositoryPath + "/info/attributes") {
            texts.append(String(decoding: local, as: UTF8.self))
        }
        for var blobID in listing.attributeFiles {
            var blob: OpaquePointer?
            try LibGit2.check(
                git_blob_lookup(&blob, repository.pointer, &blobID), .checkout, "reading .gitattributes", input: id)
            defer { git_blob_free(blob) }
            let bytes = UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: Int(git_blob_rawsize(blob)))
            texts.append(String(decoding: bytes, as: UTF8.self))
        }
        let filtering: Set<Substring> = ["text", "eol", "crlf", "ident", "filter", "working-tree-encoding"]
        return texts.contains { text in
            text.split(whereSeparator: \.isNewline).contains { line in
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                guard !trimmed.hasPrefix("#") else { return false }
                if trimmed.hasPrefix("[attr]") { return true }
                return trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().contains { token in
                    let name = token.drop { $0 == "-" || $0 == "!" }.prefix { $0 != "=" }
                    return filtering.contains(name)
                }
            }
        }
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
