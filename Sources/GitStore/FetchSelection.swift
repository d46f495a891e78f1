/// Which of the source's references a fetch takes into the mirror, and which mirror references it prunes.
///
/// A fetch takes every branch, the good tags (`refs/tags/<good_tag_prefix>*`, so that tags pushed by
/// another urban-robot or made by a person are rollback targets), and the tag the requested revision
/// names, if any. Other tags stay at the source: a tag is only needed to resolve its name.
struct FetchSelection {
    /// The source's references to fetch, full names, sorted.
    let wanted: [String]
    private let wantedNames: Set<String>
    private let advertised: [String: String]
    private let goodTagReferencePrefix: String

    /// - Parameters:
    ///   - advertised: the source's references (full name → target id), without the peeled `^{}` entries.
    ///   - revision: the revision a deployment asked for (a branch, tag, id or revspec), if any.
    ///   - goodTagPrefix: `state.good_tag_prefix`.
    init(advertised: [String: String], revision: String?, goodTagPrefix: String) {
        let goodTags = "\(Self.tagPrefix)\(goodTagPrefix)"
        let named = Set(revision.map(Self.references(named:)) ?? [])
        self.advertised = advertised
        goodTagReferencePrefix = goodTags
        wanted = advertised.keys.filter { name in
            name.hasPrefix(Self.branchPrefix) || name.hasPrefix(goodTags) || named.contains(name)
        }.sorted()
        wantedNames = Set(wanted)
    }

    static let branchPrefix = "refs/heads/"
    static let tagPrefix = "refs/tags/"

    /// The full reference names a revision may name by its leading name: `v1~2` may mean `refs/tags/v1`,
    /// `refs/heads/v1` or `refs/v1`; `refs/tags/v1^{}` means `refs/tags/v1`.
    static func references(named revision: String) -> [String] {
        let base = String(revision.prefix { !"~^:@".contains($0) })
        guard !base.isEmpty else { return [] }
        if base.hasPrefix("refs/") { return [base] }
        return ["\(tagPrefix)\(base)", "\(branchPrefix)\(base)", "refs/\(base)"]
    }

    /// Whether the mirror's reference `name`, pointing at `target`, goes: a branch the source no longer
    /// has, or a tag (other than a good tag) the source no longer has or has moved. Good tags and
    /// everything outside `refs/heads/` and `refs/tags/` (bad marks) are never pruned; wanted references
    /// are rewritten instead.
    func isStale(_ name: String, target: String) -> Bool {
        guard !wantedNames.contains(name) else { return false }
        if name.hasPrefix(Self.branchPrefix) { return advertised[name] == nil }
        guard name.hasPrefix(Self.tagPrefix), !name.hasPrefix(goodTagReferencePrefix) else { return false }
        return advertised[name] != target
    }
}
