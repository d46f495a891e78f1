#if canImport(Glibc)
import Glibc
#endif
import CSupervisorShims
import Foundation

/// Where the redacting log relay (``LogFile/output(into:)``) is started from: the small `urban-robot-log-relay`
/// program beside the running executable when it is installed there, else the running executable itself
/// (`/proc/self/exe`), whose C constructor runs the relay when started under the relay's name. Both work; the small
/// program starts in about a millisecond, the daemon's binary in tens of them, with its Swift libraries loaded.
enum RelayProgram {
    /// The path every relay of this process starts from.
    static let path = path(besides: runningExecutable())

    /// The relay program beside `executable` if it is there and executable, else `/proc/self/exe`.
    static func path(besides executable: String?) -> String {
        guard let executable else { return "/proc/self/exe" }
        let candidate = URL(fileURLWithPath: executable).deletingLastPathComponent()
            .appendingPathComponent(CSUP_RELAY_NAME).path
        return access(candidate, X_OK) == 0 ? candidate : "/proc/self/exe"
    }

    /// The running executable's path, from `/proc/self/exe`.
    private static func runningExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
