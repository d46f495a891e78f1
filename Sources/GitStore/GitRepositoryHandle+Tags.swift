internal import CGit2
import FleetTypes
import Foundation

/// Who urban-robot's tags and bad marks are made by.
struct TaggerIdentity: Sendable, Hashable {
    let name: String
    let email: String
}

extension GitRepositoryHandle {
    /// The namespace of bad marks: `refs/urban-robot/bad/<full id>`, each pointing at an annotation
    /// (a tag object without a tag ref) whose target is the commit and whose message is the reason.
    static let badReferencePrefix = "refs/urban-robot/bad/"

    /// Creates the annotated tag `<prefix><UTC stamp of date>` on commit `id`.
    ///
    /// When a tag of that name exists (two good tags within one second), the stamp is bumped by one
    /// second until the name is free: names stay in the `yyyyMMdd'T'HHmmss'Z'` format and keep sorting
    /// in creation order, while the tagger date stays the real time.
    func createGoodTag(
        on id: String, prefix: String, date: Date, tagger: TaggerIdentity, message: String
    ) throws -> GoodTagDetails {
        let operation = "creating a good tag"
        return try withCommit(id: id, operation: operation) { commit in
            let signature = try makeSignature(tagger, date: date, operation: operation, code: .tag)
            defer { git_signature_free(signature) }
            let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
            for bump in 0..<3600 {
                let name = prefix + UTCStamp.format(seconds + Int64(bump))
                var tagID = git_oid()
                let status = git_tag_create(&tagID, pointer, name, commit, signature, message, 0)
                if status == GIT_EEXISTS.rawValue { continue }
                try LibGit2.check(
                    status, .tag, operation, input: name, detail: "check state.good_tag_prefix (a valid ref name part)")
                try packReferences(operation: operation)
                return GoodTagDetails(
                    name: name, revision: Revision(id), date: Date(timeIntervalSince1970: TimeInterval(seconds)),
                    isAnnotated: true, message: message)
            }
            throw GitStoreError(
                .tag, operation: operation, input: prefix, detail: "an hour of tag names after the time is taken")
        }
    }

    /// Moves the mirror's references into its `packed-refs` file, as `git pack-refs --all` does. A rollout adds a
    /// good tag, and a fetch lists every reference (and libgit2's transport walks them all): from one file instead
    /// of one file each, a fetch at a thousand good tags took 52 ms instead of 94 ms (`gitstore-benchmark`).
    private func packReferences(operation: String) throws {
        var database: OpaquePointer?
        try LibGit2.check(git_repository_refdb(&database, pointer), .tag, operation, input: "packed-refs")
        defer { git_refdb_free(database) }
        try LibGit2.check(
            git_refdb_compress(database), .tag, operation, input: "packed-refs",
            detail: "the mirror's references could not be packed; check the state folder's disk")
    }

    /// Every tag named `<prefix>...` that peels to a commit, newest first (then by name, descending).
    func goodTags(prefix: String) throws -> [GoodTagDetails] {
        let operation = "listing good tags"
        let tagPrefix = "refs/tags/"
        let names = try referenceNames(matching: "\(tagPrefix)\(prefix)*", operation: operation, code: .tag)
            .filter { $0.hasPrefix(tagPrefix + prefix) }
        let tags = try names.compactMap { try goodTag(named: $0, operation: operation) }
        return tags.sorted { ($0.date, $0.name) > ($1.date, $1.name) }
    }

    /// The good tag for the full reference name `reference`, or `nil` when it does not peel to a commit.
    private func goodTag(named reference: String, operation: String) throws -> GoodTagDetails? {
        var object: OpaquePointer?
        try LibGit2.check(
            git_revparse_single(&object, pointer, reference), .tag, operation, input: reference)
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0, let commit else { return nil }
        defer { git_object_free(commit) }
        let tagged = summary(of: commit)
        let name = String(reference.dropFirst("refs/tags/".count))
        guard git_object_type(object) == GIT_OBJECT_TAG else {
            return GoodTagDetails(name: name, revision: tagged.id, date: tagged.time, isAnnotated: false, message: "")
        }
        let tagger = git_tag_tagger(object)
        let date = tagger.map { Date(timeIntervalSince1970: TimeInterval($0.pointee.when.time)) } ?? tagged.time
        let message = git_tag_message(object).map { String(cString: $0) } ?? ""
        return GoodTagDetails(name: name, revision: tagged.id, date: date, isAnnotated: true, message: message)
    }

    /// Marks commit `id` bad with `reason` (replacing an earlier mark).
    func markBad(_ id: String, reason: String, date: Date, tagger: TaggerIdentity) throws -> BadMark {
        let operation = "marking a revision bad"
        return try withCommit(id: id, operation: operation) { commit in
            let signature = try makeSignature(tagger, date: date, operation: operation, code: .badMark)
            defer { git_signature_free(signature) }
            var annotationID = git_oid()
            try LibGit2.check(
                git_tag_annotation_create(&annotationID, pointer, "bad-\(id)", commit, signature, reason),
                .badMark, operation, input: id)
            var reference: OpaquePointer?
            try LibGit2.check(
                git_reference_create(
                    &reference, pointer, Self.badReferencePrefix + id, &annotationID, 1, "urban-robot: mark bad"),
                .badMark, operation, input: id)
            git_reference_free(reference)
            let seconds = date.timeIntervalSince1970.rounded(.down)
            return BadMark(revision: id, reason: reason, markedAt: Date(timeIntervalSince1970: seconds))
        }
    }

    /// Removes the bad mark of `id`; returns whether there was one.
    func unmarkBad(_ id: String) throws -> Bool {
        guard isBad(id) else { return false }
        try LibGit2.check(
            git_reference_remove(pointer, Self.badReferencePrefix + id), .badMark, "unmarking a bad revision", input: id)
        return true
    }

    /// Every bad mark, newest first.
    func badMarks() throws -> [BadMark] {
        let operation = "listing bad revisions"
        let names = try referenceNames(matching: "\(Self.badReferencePrefix)*", operation: operation, code: .badMark)
        let marks = try names.map { name in
            var object: OpaquePointer?
            try LibGit2.check(git_revparse_single(&object, pointer, name), .badMark, operation, input: name)
            defer { git_object_free(object) }
            let revision = String(name.dropFirst(Self.badReferencePrefix.count))
            guard git_object_type(object) == GIT_OBJECT_TAG else {
                return BadMark(revision: revision, reason: "", markedAt: .distantPast)
            }
            let tagger = git_tag_tagger(object)
            return BadMark(
                revision: revision,
                reason: git_tag_message(object).map { String(cString: $0) } ?? "",
                markedAt: tagger.map { Date(timeIntervalSince1970: TimeInterval($0.pointee.when.time)) } ?? .distantPast)
        }
        return marks.sorted { ($0.markedAt, $0.revision) > ($1.markedAt, $1.revision) }
    }

    /// Whether `id` carries a bad mark.
    func isBad(_ id: String) -> Bool {
        var oid = git_oid()
        return git_reference_name_to_id(&oid, pointer, Self.badReferencePrefix + id) == 0
    }

    /// A `git_signature *` for `identity` at `date` (UTC); the caller frees it.
    private func makeSignature(
        _ identity: TaggerIdentity, date: Date, operation: String, code: GitStoreError.Code
    ) throws -> UnsafeMutablePointer<git_signature>? {
        var signature: UnsafeMutablePointer<git_signature>?
        try LibGit2.check(
            git_signature_new(
                &signature, identity.name, identity.email, git_time_t(date.timeIntervalSince1970.rounded(.down)), 0),
            code, operation, input: "\(identity.name) <\(identity.email)>")
        return signature
    }
}
