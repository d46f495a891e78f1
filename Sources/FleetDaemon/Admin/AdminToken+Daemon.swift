public import AdminAPI
import Foundation

/// The daemon's side of the admin token: creating its file on first start, checking a request's header.
extension AdminToken {
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
        switch PrivateFile.createSecret(file) {
        case .created(let value): return AdminToken(value: value)
        case .exists: return try load(stateDirectory: stateDirectory)
        case .failed(let why): throw AdminTokenError(path: file, message: why)
        }
    }

    /// Whether an `Authorization` header carries this token; constant time in the token's length.
    public func authorizes(header: String?) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        return RandomSecret.matches(header.dropFirst(7).utf8, value.utf8)
    }
}
