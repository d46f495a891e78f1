internal import CGit2

/// Everything a release checkout needs to know about a commit's tree, from one walk.
final class TreeListing {
    /// A file to write: its path relative to the release, its blob and its git file mode.
    struct File {
        let path: String
        let blob: git_oid
        let mode: git_filemode_t
    }

    /// Folders, parents before children.
    private(set) var folders: [String] = []
    /// For each folder (by index in ``folders``), how many files the walk had listed before it.
    private(set) var folderStarts: [Int] = []
    /// Regular files, executables and symlinks.
    private(set) var files: [File] = []
    /// Paths of submodules (gitlink entries).
    private(set) var submodules: [String] = []
    /// The blobs of the tree's `.gitattributes` files.
    private(set) var attributeFiles: [git_oid] = []

    /// Walks `tree` (pre-order, so folders come before their contents).
    init(tree: OpaquePointer?, id: String, operation: String) throws {
        let status = git_tree_walk(tree, GIT_TREEWALK_PRE, { root, entry, payload in
            guard let entry, let payload else { return 0 }
            let listing = Unmanaged<TreeListing>.fromOpaque(payload).takeUnretainedValue()
            listing.add(entry, root: root.map { String(cString: $0) } ?? "")
            return 0
        }, Unmanaged.passUnretained(self).toOpaque())
        try LibGit2.check(status, .checkout, operation, input: id, detail: "the tree could not be read")
    }

    private func add(_ entry: OpaquePointer, root: String) {
        let path = root + String(cString: git_tree_entry_name(entry))
        switch git_tree_entry_type(entry) {
        case GIT_OBJECT_TREE:
            folders.append(path)
            folderStarts.append(files.count)
        case GIT_OBJECT_COMMIT:
            submodules.append(path)
        case GIT_OBJECT_BLOB:
            files.append(File(path: path, blob: git_tree_entry_id(entry).pointee, mode: git_tree_entry_filemode(entry)))
            if path == ".gitattributes" || path.hasSuffix("/.gitattributes") {
                attributeFiles.append(git_tree_entry_id(entry).pointee)
            }
        default:
            break
        }
    }
}
