import Foundation

/// Reads the Discord token from where `bot.token_env` / `bot.token_file` say, once, at start.
package enum DiscordToken {
    /// Why the token could not be read: names the variable or the file, never the value.
    package struct Unreadable: Error {
        /// What failed, with what input, and what to do.
        package var message: String
        /// The underlying error, if any.
        package var cause: (any Error)?
    }

    /// The token, without surrounding whitespace.
    /// - Throws: ``Unreadable`` naming the variable or the file (never the value).
    package static func read(_ source: TokenSource, environment: [String: String]) throws(Unreadable) -> String {
        switch source {
        case .environment(let name):
            guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw Unreadable(message: "the Discord token variable \(name) is not set in the daemon's environment; "
                    + "set it, or set bot.token_file")
            }
            return value
        case .file(let path):
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw Unreadable(message: "the Discord token file \(path) could not be read; check bot.token_file "
                    + "and its permissions", cause: error)
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else {
                throw Unreadable(message: "the Discord token file \(path) is empty; put the token in it")
            }
            return value
        }
    }
}
