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
}
