internal import CGit2
import Foundation

/// The synchronous work of materializing one commit as a release folder.
///
/// Opens its own repository handle and only reads the object database, so checkouts of different
/// revisions run in parallel on the thread pool; the actor coalesces requests for the same revision.
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
                    try rejectSubmodules(in: tree, id: id, operation: operation)
                    try checkoutTree(tree, into: temporary, repository: repository, id: id, operation: operation)
                }
            }
            try writeRevisionFile(id: id, in: temporary, operation: operation)
            return try moveIntoPlace(temporary, id: id, layout: layout, operation: operation)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Writes `tree`'s files into `directory` without touching HEAD or the index.
    private static func checkoutTree(
        _ tree: OpaquePointer?, into directory: String, repository: GitRepositoryHandle, id: String, operation: String
    ) throws {
        var options = git_checkout_options()
        git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_DONT_UPDATE_INDEX.rawValue
        let target = strdup(directory)
        defer { free(target) }
        options.target_directory = UnsafePointer(target)
        try LibGit2.check(
            git_checkout_tree(repository.pointer, tree, &options), .checkout, operation, input: id,
            detail: "the files could not be written to \(directory); check free space and permissions")
    }

    /// Throws ``GitStoreError/Code/submodules`` naming the submodule paths when the tree has any.
    private static func rejectSubmodules(in tree: OpaquePointer?, id: String, operation: String) throws {
        let collector = SubmoduleCollector()
        let status = git_tree_walk(tree, GIT_TREEWALK_PRE, { root, entry, payload in
            guard let entry, let payload else { return 0 }
            if git_tree_entry_type(entry) == GIT_OBJECT_COMMIT {
                let collector = Unmanaged<SubmoduleCollector>.fromOpaque(payload).takeUnretainedValue()
                let name = String(cString: git_tree_entry_name(entry))
                collector.paths.append((root.map { String(cString: $0) } ?? "") + name)
            }
            return 0
        }, Unmanaged.passUnretained(collector).toOpaque())
        try LibGit2.check(status, .checkout, operation, input: id, detail: "the tree could not be read")
        guard collector.paths.isEmpty else {
            throw GitStoreError(
                .submodules, operation: operation, input: id,
                detail: "the commit has submodules (\(collector.paths.joined(separator: ", "))), which releases "
                    + "do not support; vendor them into the repository")
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

/// Collects submodule paths during a tree walk (reached through the walk's payload pointer).
private final class SubmoduleCollector {
    var paths: [String] = []
}
