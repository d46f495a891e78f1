#if canImport(Glibc)
import Glibc
#endif
import CSupervisorShims

/// What one spawn returned: 0 and the pid, or an errno.
struct SpawnAttempt: Sendable {
    var rc: Int32
    var pid: Int32
}

/// Resolves the executable and spawns it through the C shim.
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

    /// Spawns the process in its own session; returns its pid. With `diesWithDaemon` it is forked on the
    /// ``DedicatedThreads/parentDeath`` thread with `PR_SET_PDEATHSIG` = SIGTERM, else started with posix_spawn.
    static func spawn(
        path: String, arguments: [String], environment: [String: String],
        workingDirectory: String, outputFD: Int32, diesWithDaemon: Bool
    ) throws(SystemCallError) -> Int32 {
        let attempt: @Sendable () -> SpawnAttempt = {
            spawnRetrying(
                path: path, arguments: arguments, environment: environment,
                workingDirectory: workingDirectory, outputFD: outputFD, diesWithDaemon: diesWithDaemon)
        }
        let result = diesWithDaemon ? DedicatedThreads.parentDeath.run(attempt) : attempt()
        guard result.rc == 0 else { throw SystemCallError(diesWithDaemon ? "fork/exec" : "posix_spawn", errno: result.rc) }
        return result.pid
    }

    private static func spawnRetrying(
        path: String, arguments: [String], environment: [String: String],
        workingDirectory: String, outputFD: Int32, diesWithDaemon: Bool
    ) -> SpawnAttempt {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        func once() -> Int32 {
            diesWithDaemon
                ? csup_spawn_dying_with_parent(path, argv, envp, workingDirectory, outputFD, &pid)
                : csup_spawn(path, argv, envp, workingDirectory, outputFD, &pid)
        }
        var rc = once()
        // ETXTBSY: another thread's fork briefly holds a descriptor open for
        // writing on the executable (a script just written, a checkout in
        // progress); it goes away at that child's exec. Retry for up to 0.5 s.
        var attempts = 1
        while rc == ETXTBSY && attempts < 25 {
            usleep(20_000)
            attempts += 1
            rc = once()
        }
        return SpawnAttempt(rc: rc, pid: pid)
    }
}
