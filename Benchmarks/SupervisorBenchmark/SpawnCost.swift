import CSupervisorShims
import Foundation

/// The cost of `spawns` spawns of `/bin/true` (each waited for) while the process holds `descriptors` more open
/// descriptors (pipes, as a daemon holds its bots' sockets and pidfds): wall time and CPU (ours and the children's,
/// whose share is the copy of the descriptor table they close before exec), per spawn, in milliseconds. `lean`:
/// `csup_lean_spawn` (every bot and relay), else `csup_posix_spawn_targets` (posix_spawn with the same file actions,
/// which the launcher used before).
func spawnCost(descriptors: Int, spawns: Int, lean: Bool) -> (wall: Double, cpu: Double) {
    var held: [Int32] = []
    while held.count < descriptors {
        var ends: [Int32] = [0, 0]
        precondition(pipe(&ends) == 0, "pipe: errno \(errno)")
        held += ends
    }
    defer { for fd in held { close(fd) } }
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
    let envp: [UnsafeMutablePointer<CChar>?] = [nil]
    defer { free(argv[0]) }
    let output = open("/dev/null", O_WRONLY | O_CLOEXEC)
    defer { close(output) }
    let sources: [Int32] = [CSUP_SPAWN_NULL, output, output, CSUP_SPAWN_END]
    let cpuBefore = cpuSeconds()
    let start = ContinuousClock.now
    for _ in 0..<spawns {
        var pid: pid_t = 0
        let rc = sources.withUnsafeBufferPointer { sources in
            lean
                ? csup_lean_spawn("/bin/true", argv, envp, "/", sources.baseAddress, &pid)
                : csup_posix_spawn_targets("/bin/true", argv, envp, "/", sources.baseAddress, &pid)
        }
        precondition(rc == 0, "spawn: errno \(rc)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
    let elapsed = start.duration(to: .now)
    let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (wall * 1000 / Double(spawns), (cpuSeconds() - cpuBefore) * 1000 / Double(spawns))
}

/// User and system CPU of this process and of its waited-for children, in seconds.
private func cpuSeconds() -> Double {
    func seconds(_ who: __rusage_who) -> Double {
        var usage = rusage()
        getrusage(who.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
    return seconds(RUSAGE_SELF) + seconds(RUSAGE_CHILDREN)
}
