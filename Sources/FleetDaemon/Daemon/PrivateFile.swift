import Foundation

/// Files of the state folder that only the daemon's user may read: `admin.token` and `state.sqlite`.
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
}
