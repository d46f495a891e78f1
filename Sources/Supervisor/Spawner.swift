#if canImport(Glibc)
import Glibc
#endif
import CSupervisorShims

/// Resolves the executable and calls posix_spawn through the C shim.
enum Spawner {
    /// The absolute path of `name`: taken as is when absolute, relative to
    /// `workingDirectory` when it holds a `/`, else searched in `searchPath`.
    static func resolve(_ name: String, searchPath: String, workingDirectory: String) throws(SupervisorError) -> String {
        func executable(_ path: String) -> Bool {
            var info = stat()
            return access(path, X_OK) == 0 && stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }
        let candidates: [String]
        if name.hasPrefix("/") {
            candidates = [name]
        } else if name.contains("/") {
            candidates = [workingDirectory + "/" + name]
        } else {
            candidates = searchPath.split(separator: ":").map { "\($0.isEmpty ? "." : $0)/\(name)" }
        }
        if let found = candidates.first(where: executable) { return found }
        throw SupervisorError(
            .invalidCommand,
            "executable '\(name)' not found or not executable (searched \(candidates.joined(separator: ", "))); "
                + "check bot.command and PATH")
    }

    /// Spawns the process in its own session; returns its pid.
    static func spawn(
        path: String, arguments: [String], environment: [String: String],
        workingDirectory: String, outputFD: Int32
    ) throws(SystemCallError) -> Int32 {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        var rc = csup_spawn(path, argv, envp, workingDirectory, outputFD, &pid)
        // ETXTBSY: another thread's fork briefly holds a descriptor open for
        // writing on the executable (a script just written, a checkout in
        // progress); it goes away at that child's exec. Retry for up to 0.5 s.
        var attempts = 1
        while rc == ETXTBSY && attempts < 25 {
            usleep(20_000)
            attempts += 1
            rc = csup_spawn(path, argv, envp, workingDirectory, outputFD, &pid)
        }
        guard rc == 0 else { throw SystemCallError("posix_spawn", errno: rc) }
        return pid
    }
}
