import Foundation

/// Helpers for source URLs as they appear in messages.
enum SourceURL {
    /// `url` without the user information of an `scheme://user:secret@host/...` URL, so that a token
    /// written into the URL never reaches an error message or a log.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<schemeEnd.upperBound]) + "***@" + String(rest[rest.index(after: at)...])
    }

    /// The folder a local source names (a path, or a `file://` URL); nil for `https://`, `ssh://` and
    /// `host:path` sources.
    static func localPath(_ url: String) -> String? {
        if url.hasPrefix("file://") { return String(url.dropFirst("file://".count)).removingPercentEncoding }
        if url.contains("://") { return nil }
        return url.hasPrefix("/") || !url.contains(":") ? url : nil
    }
}

extension ReleaseStore {
    /// Checks that a local source (a path or `file://` URL) is a git repository, so that a wrong
    /// `source.url` is named plainly instead of by libgit2 (`unsupported URL protocol`); remote URLs pass.
    /// - Throws: ``GitStoreError`` `.fetch` naming the URL.
    public static func checkLocalSource(_ url: String) throws(GitStoreError) {
        guard let path = SourceURL.localPath(url) else { return }
        let operation = "checking the source"
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw GitStoreError(
                .fetch, operation: operation, input: url,
                detail: "source.url names a local repository that does not exist (no folder \(path)); "
                    + "check source.url, or create the repository")
        }
        let manager = FileManager.default
        guard manager.fileExists(atPath: "\(path)/HEAD") || manager.fileExists(atPath: "\(path)/.git") else {
            throw GitStoreError(
                .fetch, operation: operation, input: url,
                detail: "the folder \(path) is not a git repository; check source.url")
        }
    }
}
