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
    /// The running executable's path, read once.
    private static let executable = runningExecutable()

    /// The path every relay of this process starts from.
    static let path = path(besides: executable)

    /// Where the relay program is looked for when it is missing (this process starts itself as the relay), else
    /// nil.
    static let missingProgram = missingProgram(besides: executable)

    /// The relay program beside `executable` if it is there and executable, else `/proc/self/exe`.
    static func path(besides executable: String?) -> String {
        guard let candidate = candidate(besides: executable), access(candidate, X_OK) == 0 else { return "/proc/self/exe" }
        return candidate
    }

    /// Where the relay program is looked for beside `executable` when it is not there (or not executable), else nil.
    static func missingProgram(besides executable: String?) -> String? {
        guard path(besides: executable) == "/proc/self/exe" else { return nil }
        return candidate(besides: executable) ?? CSUP_RELAY_NAME
    }

    /// The relay program's place beside `executable`.
    private static func candidate(besides executable: String?) -> String? {
        executable.map {
            URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent(CSUP_RELAY_NAME).path
        }
    }

    /// The running executable's path, from `/proc/self/exe`.
    private static func runningExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
