internal import CGit2
import Foundation

/// Git's `url.<base>.insteadOf = <prefix>` rules: a URL starting with `<prefix>` is fetched from `<base>` plus
/// the rest of it; the longest matching prefix wins, the first one read among equals.
///
/// libgit2 applies these rules when it creates a remote, but reads them with a regular-expression config
/// iterator that leaks about 30 KB of PCRE2 match frames per creation with libgit2 1.5 and PCRE2 10.42
/// (Debian 12): 0.3 MB of anonymous memory per deployment in the daemon. The mirror therefore creates its
/// remotes without them (`GIT_REMOTE_CREATE_SKIP_INSTEADOF`) and rewrites the URL here, from a plain
/// iteration of the configuration, which allocates nothing that outlives it.
struct URLRewriteRules: Equatable {
    /// One rule: URLs starting with `prefix` are fetched from `base` instead.
    struct Rule: Equatable {
        var base: String
        var prefix: String
    }

    /// The rules, in the order the configuration lists them.
    var rules: [Rule]

    /// `url` with the longest matching rule's prefix replaced by its base; `url` itself when none matches.
    func rewrite(_ url: String) -> String {
        var best: Rule?
        for rule in rules where !rule.prefix.isEmpty && url.utf8.starts(with: rule.prefix.utf8) {
            if rule.prefix.utf8.count > (best?.prefix.utf8.count ?? 0) { best = rule }
        }
        guard let best else { return url }
        return best.base + String(decoding: url.utf8.dropFirst(best.prefix.utf8.count), as: UTF8.self)
    }

    /// The rule of one configuration entry (`url.<base>.insteadof`, as libgit2 lowercases the variable
    /// name), or `nil` for any other entry.
    static func rule(name: String, value: String) -> Rule? {
        let head = "url.", tail = ".insteadof"
        guard name.hasPrefix(head), name.hasSuffix(tail), name.count > head.count + tail.count else { return nil }
        return Rule(base: String(name.dropFirst(head.count).dropLast(tail.count)), prefix: value)
    }
}

extension GitRepositoryHandle {
    /// The `insteadOf` rules of the repository's configuration (its own, the user's and the system's).
    func urlRewriteRules(code: GitStoreError.Code, operation: String) throws -> URLRewriteRules {
        var config: OpaquePointer?
        try LibGit2.check(
            git_repository_config_snapshot(&config, pointer), code, operation, input: path,
            detail: "the mirror's git configuration could not be read")
        defer { git_config_free(config) }
        var iterator: OpaquePointer?
        try LibGit2.check(
            git_config_iterator_new(&iterator, config), code, operation, input: path,
            detail: "the mirror's git configuration could not be listed")
        defer { git_config_iterator_free(iterator) }
        var rules: [URLRewriteRules.Rule] = []
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0 {
            guard let entry, let name = entry.pointee.name, let value = entry.pointee.value else { continue }
            if let rule = URLRewriteRules.rule(name: String(cString: name), value: String(cString: value)) {
                rules.append(rule)
            }
        }
        git_error_clear()
        return URLRewriteRules(rules: rules)
    }
}
