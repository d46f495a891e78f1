import Foundation

/// The bearer token of the admin API, kept in `<state>/admin.token` with mode 0600.
///
/// The daemon creates it on first start; the CLI reads it from the same file.
public struct AdminToken: Sendable, Equatable {
    /// The token as the `Authorization: Bearer` header carries it.
    public let value: String

    /// A token from its value.
    package init(value: String) {
        self.value = value
    }

    /// The token file of a state folder.
    public static func path(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("admin.token")
    }

    /// Reads the token of `stateDirectory`.
    ///
    /// - Throws: ``AdminTokenError`` when the file is missing, unreadable or empty.
    public static func load(stateDirectory: String) throws -> AdminToken {
        let file = path(stateDirectory: stateDirectory)
        guard let text = FileManager.default.contents(atPath: file).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw AdminTokenError(path: file, message: "cannot read it; is the daemon started (`urban-robot serve`) and may this user read the state folder?")
        }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw AdminTokenError(path: file, message: "it is empty; delete it and restart the daemon") }
        return AdminToken(value: value)
    }
}

/// The admin token file cannot be used.
public struct AdminTokenError: Error, Sendable, CustomStringConvertible {
    /// The token file.
    public var path: String
    /// What is wrong and what to do.
    public var message: String

    /// An error from its parts.
    package init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `admin token PATH: MESSAGE`.
    public var description: String { "admin token \(path): \(message)" }
}
