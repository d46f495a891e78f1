import Foundation

/// The bearer token of the admin API, kept in `<state>/admin.token` with mode 0600.
///
/// The daemon creates it on first start; the CLI reads it from the same file.
public struct AdminToken: Sendable, Equatable {
    /// The token as the `Authorization: Bearer` header carries it.
    public let value: String

    /// The token file of a state folder.
    public static func path(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("admin.token")
    }

    /// Reads the token of `stateDirectory`, creating the folder and a fresh random token (0600) when absent;
    /// an existing file that others may read is made 0600.
    public static func loadOrCreate(stateDirectory: String) throws -> AdminToken {
        let file = path(stateDirectory: stateDirectory)
        if FileManager.default.fileExists(atPath: file) {
            try PrivateFile.tighten(file)
            return try load(stateDirectory: stateDirectory)
        }
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let value = RandomSecret.hex(bytes: 32)
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return try load(stateDirectory: stateDirectory) }
            throw AdminTokenError(path: file, message: "cannot create it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array((value + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw AdminTokenError(path: file, message: "cannot write it: \(String(cString: strerror(errno)))")
        }
        return AdminToken(value: value)
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

    /// Whether an `Authorization` header carries this token; constant time in the token's length.
    public func authorizes(header: String?) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        return RandomSecret.matches(header.dropFirst(7).utf8, value.utf8)
    }
}

/// The admin token file cannot be used.
public struct AdminTokenError: Error, Sendable, CustomStringConvertible {
    /// The token file.
    public var path: String
    /// What is wrong and what to do.
    public var message: String

    /// `admin token PATH: MESSAGE`.
    public var description: String { "admin token \(path): \(message)" }
}
