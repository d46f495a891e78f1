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

    /// Whether an `Authorization` header carries this token; constant time in the token's length.
    public func authorizes(header: String?) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        return RandomSecret.matches(header.dropFirst(7).utf8, value.utf8)
    }
}
