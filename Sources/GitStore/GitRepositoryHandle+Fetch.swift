internal import CGit2
import Foundation

extension GitRepositoryHandle {
    /// Fetches what a deployment needs from `url` (see ``FetchSelection``), prunes what the source no
    /// longer has, and keeps only references that name a commit.
    ///
    /// libgit2's fetch negotiation walks every local reference and fails ("object is not a committish")
    /// on one naming a blob or a tree, so the mirror never keeps one: the references are written here,
    /// not by `git_remote_update_tips`, and only when their target peels to a commit; such references
    /// left by an older version are removed before connecting.
    ///
    /// `checked` are the references an earlier fetch found naming a commit, with their targets then: only
    /// references new or moved since are read as objects again (an object never changes), so that a fetch
    /// does not grow with the good tags the mirror keeps (a rollout adds one). Returns them as this fetch
    /// leaves the mirror, for the next.
    func fetch(
        from url: String,
        revision: String?,
        goodTagPrefix: String,
        credentials: GitCredentials,
        progress: (@Sendable (FetchProgress) -> Void)?,
        checked: CheckedReferences
    ) throws -> (FetchResult, CheckedReferences) {
        let operation = "fetching from the source"
        let source = SourceURL.redacted(url)
        var mirror = try referenceTargets(operation: operation)
        try removeReferencesNamingNoCommit(&mirror, checked: checked, operation: operation)
        let context = RemoteCallbackContext(credentials: credentials, progress: progress)
        var callbacks = context.callbacks()
        return try withAnonymousRemote(url, code: .fetch, operation: operation) { remote in
            try LibGit2.check(
                git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, nil, nil), .fetch, operation, input: source,
                detail: "the source could not be reached; check source.url and its credentials")
            defer { git_remote_disconnect(remote) }
            let advertised = try advertisedReferences(remote, operation: operation, input: source)
            let selection = FetchSelection(advertised: advertised, revision: revision, goodTagPrefix: goodTagPrefix)
            if !selection.wanted.isEmpty {
                var options = git_fetch_options()
                git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
                options.callbacks = callbacks
                options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
                options.prune = GIT_FETCH_NO_PRUNE
                try LibGit2.withStringArray(selection.wanted.map { "+\($0):\($0)" }) { refspecs in
                    try LibGit2.check(
                        git_remote_download(remote, refspecs, &options), .fetch, operation,
                        input: "\(selection.wanted.joined(separator: ", ")) from \(source)",
                        detail: "the objects of these references could not be downloaded")
                }
            }
            let pruned = try pruneStaleReferences(selection, in: &mirror, operation: operation, source: source)
            var namingNoCommit: [String: String] = [:]
            for name in selection.wanted {
                guard let target = advertised[name], mirror[name] != target else { continue }
                if let kind = try updateReference(name, to: target, operation: operation, source: source) {
                    namingNoCommit[name] = kind
                    mirror[name] = nil
                } else {
                    mirror[name] = target
                }
            }
            let prefix = FetchSelection.branchPrefix
            let result = FetchResult(
                branches: advertised.keys.filter { $0.hasPrefix(prefix) && namingNoCommit[$0] == nil }
                    .map { String($0.dropFirst(prefix.count)) }.sorted(),
                prunedBranches: pruned.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) },
                prunedTags: pruned.filter { $0.hasPrefix(FetchSelection.tagPrefix) },
                referencesNamingNoCommit: namingNoCommit,
                receivedObjects: context.latest.receivedObjects, receivedBytes: context.latest.receivedBytes)
            return (result, CheckedReferences(targets: mirror))
        }
    }

    /// The references a connected remote advertises (full name → target id), without peeled `^{}` entries
    /// and without `HEAD`.
    private func advertisedReferences(
        _ remote: OpaquePointer, operation: String, input: String
    ) throws -> [String: String] {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try LibGit2.check(
            git_remote_ls(&heads, &count, remote), .fetch, operation, input: input,
            detail: "the source's references could not be listed")
        var references: [String: String] = [:]
        for index in 0..<count {
            guard let head = heads?[index], let name = head.pointee.name.map({ String(cString: $0) }),
                name.hasPrefix("refs/"), !name.hasSuffix("^{}")
            else { continue }
            references[name] = withUnsafePointer(to: head.pointee.oid) { LibGit2.hex($0) }
        }
        return references
    }

    /// Deletes the mirror's branches and tags (`mirror`, full name → target) that `selection` calls stale, from
    /// the mirror and from `mirror`; returns their full names, sorted.
    private func pruneStaleReferences(
        _ selection: FetchSelection, in mirror: inout [String: String], operation: String, source: String
    ) throws -> [String] {
        let pruned = mirror.filter { selection.isStale($0.key, target: $0.value) }.keys.sorted()
        for name in pruned {
            try LibGit2.check(
                git_reference_remove(pointer, name), .fetch, operation, input: "\(name) from \(source)",
                detail: "a reference the source no longer has could not be deleted from the mirror")
            mirror[name] = nil
        }
        return pruned
    }

    /// Points the mirror's `name` at the downloaded `target` when it peels to a commit; otherwise removes
    /// the mirror's `name` and returns what the target is (`a blob`, `a tag on a tree`).
    private func updateReference(_ name: String, to target: String, operation: String, source: String) throws -> String? {
        let input = "\(name) from \(source)"
        var oid = git_oid()
        try LibGit2.check(git_oid_fromstr(&oid, target), .fetch, operation, input: input, detail: "not an object id")
        var object: OpaquePointer?
        try LibGit2.check(
            git_object_lookup(&object, pointer, &oid, GIT_OBJECT_ANY), .fetch, operation, input: input,
            detail: "the source advertised an object it did not send")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        if git_object_peel(&commit, object, GIT_OBJECT_COMMIT) < 0 {
            git_error_clear()
            if try referenceTarget(name, operation: operation) != nil {
                try LibGit2.check(
                    git_reference_remove(pointer, name), .fetch, operation, input: input,
                    detail: "a reference that no longer names a commit could not be deleted from the mirror")
            }
            return Self.describeTarget(object)
        }
        git_object_free(commit)
        var reference: OpaquePointer?
        try LibGit2.check(
            git_reference_create(&reference, pointer, name, &oid, 1, "urban-robot: fetch"), .fetch, operation,
            input: input, detail: "the mirror's reference could not be updated")
        git_reference_free(reference)
        return nil
    }

    /// Removes every mirror reference (`mirror`, full name → target) whose target does not peel to a commit (left
    /// by a fetch of an older version, which took every tag, or written by hand): libgit2's negotiation cannot walk
    /// them. Only targets that `checked` does not already hold for their name are read.
    private func removeReferencesNamingNoCommit(
        _ mirror: inout [String: String], checked: CheckedReferences, operation: String
    ) throws {
        for (name, target) in mirror where checked.targets[name] != target {
            var object: OpaquePointer?
            guard git_revparse_single(&object, pointer, "\(target)^{commit}") < 0 else {
                git_object_free(object)
                continue
            }
            git_error_clear()
            try LibGit2.check(
                git_reference_remove(pointer, name), .fetch, operation, input: name,
                detail: "a reference naming no commit could not be deleted from the mirror")
            mirror[name] = nil
        }
    }

    /// Every mirror reference under `refs/` (full name → the id it resolves to; empty for a symbolic one that
    /// resolves to nothing, which names no commit either).
    private func referenceTargets(operation: String) throws -> [String: String] {
        var targets: [String: String] = [:]
        for name in try referenceNames(matching: "refs/*", operation: operation, code: .fetch) {
            targets[name] = try referenceTarget(name, operation: operation) ?? ""
        }
        return targets
    }

    /// The id the mirror's reference `name` points at (not peeled), or `nil` when there is no such reference.
    private func referenceTarget(_ name: String, operation: String) throws -> String? {
        var oid = git_oid()
        let status = git_reference_name_to_id(&oid, pointer, name)
        if status == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try LibGit2.check(status, .fetch, operation, input: name, detail: "the mirror's reference could not be read")
        return LibGit2.hex(&oid)
    }
}

/// The mirror's references that a fetch found naming a commit, with the target each had then (full name → id).
struct CheckedReferences: Sendable {
    var targets: [String: String] = [:]
}
