import Foundation

/// Files of the state folder that only the daemon's user may read: `admin.token`, `launch.secret` and
/// `state.sqlite`.
enum PrivateFile {
    /// The mode of a private file.
    static let mode: mode_t = 0o600

    /// Creates `path` empty with mode 0600 when it is missing, and takes group and other permissions away
    /// when it exists with more.
    /// - Throws: ``DaemonError`` `.stateFolder` naming the file.
    static func prepare(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw DaemonError(.stateFolder, "\(path) could not be created: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        try tighten(path)
    }

    /// Takes group and other permissions away from `path` when it has any; a missing file is left missing.
    /// - Throws: ``DaemonError`` `.stateFolder` naming the file.
    static func tighten(_ path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = (attributes[.posixPermissions] as? NSNumber)?.intValue, permissions & 0o077 != 0
        else { return }
        do {
            try FileManager.default.setAttributes([.posixPermissions: permissions & 0o700], ofItemAtPath: path)
        } catch {
            throw DaemonError(.stateFolder, "\(path) is readable by others and could not be made private (0600)",
                              cause: error)
        }
    }

    /// How ``createSecret(_:)`` ended.
    enum Creation {
        /// The file is made, holding this fresh secret.
        case created(String)
        /// The file was there already (made by another process meanwhile): read it.
        case exists
        /// It could not be made: why (`cannot create it: ...`, `cannot write it: ...`).
        case failed(String)
    }

    /// Creates `path` with mode 0600, only when it does not exist, holding a fresh random secret of 32 bytes as
    /// 64 hex digits and a newline.
    static func createSecret(_ path: String) -> Creation {
        let value = RandomSecret.hex(bytes: 32)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            return errno == EEXIST ? .exists : .failed("cannot create it: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array((value + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            return .failed("cannot write it: \(String(cString: strerror(errno)))")
        }
        return .created(value)
    }
}
