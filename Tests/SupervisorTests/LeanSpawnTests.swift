#if canImport(Glibc)
import Glibc
#endif
import CSupervisorShims
import Foundation
import Testing

/// `csup_lean_spawn`, the spawn of every bot and relay: its child gets exactly the descriptors it is given, however
/// many the caller holds (it never copies the caller's table), and the caller's descriptors it borrowed for the
/// spawn are let go of once the child runs.
@Suite struct LeanSpawnTests {
    /// Spawns `arguments` (argv[0] an absolute path) in `cwd` with `sources` as descriptors 0 to 3, waits for the
    /// child, and returns its exit code; fails the test when the spawn does.
    static func run(_ arguments: [String], in cwd: String, sources: [Int32]) throws -> Int32 {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let rc = sources.withUnsafeBufferPointer { csup_lean_spawn(arguments[0], argv, envp, cwd, $0.baseAddress, &pid) }
        try #require(rc == 0, "csup_lean_spawn: errno \(rc)\(rc == ENOSYS ? " (its reserved descriptors are missing)" : "")")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status >> 8) & 0xff
    }

    /// A file in `scratch` opened for writing (the caller closes it).
    static func output(_ scratch: Scratch, _ name: String) -> Int32 {
        open(scratch.file(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    }

    @Test func theChildGetsOnlyItsDescriptorsHoweverManyTheCallerHolds() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // 300 descriptors that are not even close-on-exec.
        var held: [Int32] = []
        for _ in 0..<150 {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            held += ends
        }
        defer { for fd in held { close(fd) } }
        let log = Self.output(scratch, "fds.log")
        defer { close(log) }
        let code = try Self.run(["/bin/ls", "/proc/self/fd"], in: scratch.path, sources: [CSUP_SPAWN_NULL, log, log, CSUP_SPAWN_END])
        #expect(code == 0)
        // ls sees 0, 1, 2 and the descriptor of the folder it lists itself.
        #expect(scratch.read("fds.log").split(separator: "\n") == ["0", "1", "2", "3"])
    }

    @Test func eachTargetGetsItsSourceOrDevNull() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try "from zero\n".write(toFile: scratch.file("zero"), atomically: true, encoding: .utf8)
        try "from three\n".write(toFile: scratch.file("three"), atomically: true, encoding: .utf8)
        let zero = open(scratch.file("zero"), O_RDONLY | O_CLOEXEC)
        let three = open(scratch.file("three"), O_RDONLY | O_CLOEXEC)
        let log = Self.output(scratch, "out.log")
        defer { for fd in [zero, three, log] { close(fd) } }
        let code = try Self.run(
            ["/bin/sh", "-c", "cat; cat <&3; echo to-stderr >&2; pwd; ps -o sid= -p $$ | tr -d ' '; echo $$"],
            in: scratch.path, sources: [zero, log, CSUP_SPAWN_NULL, three])
        #expect(code == 0)
        let lines = scratch.read("out.log").split(separator: "\n").map(String.init)
        try #require(lines.count == 5, "\(lines)")
        #expect(Array(lines[0..<3]) == ["from zero", "from three", scratch.path])
        // Its own session: the session id is its pid. Standard error went to /dev/null.
        #expect(lines[3] == lines[4])
    }

    @Test func theCallersDescriptorsAreLetGoOfOnceTheChildRuns() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let code = try Self.run(["/bin/true"], in: scratch.path, sources: [CSUP_SPAWN_NULL, ends[1], CSUP_SPAWN_END, CSUP_SPAWN_END])
        #expect(code == 0)
        close(ends[1])
        // The child exited and we closed our write end: no one else may hold it (a reserved descriptor would).
        var reader = pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)
        try #require(poll(&reader, 1, 10_000) == 1, "the pipe's write end is still open somewhere")
        var byte: UInt8 = 0
        #expect(read(ends[0], &byte, 1) == 0)
        close(ends[0])
    }

    @Test func aProgramThatCannotBeRunIsTheExecsErrno() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/nonexistent/program"), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = [nil]
        defer { free(argv[0]) }
        var pid: pid_t = 0
        let sources: [Int32] = [CSUP_SPAWN_NULL, CSUP_SPAWN_NULL, CSUP_SPAWN_NULL, CSUP_SPAWN_END]
        let rc = sources.withUnsafeBufferPointer { csup_lean_spawn("/nonexistent/program", argv, envp, scratch.path, $0.baseAddress, &pid) }
        #expect(rc == ENOENT)
        let missingFolder = sources.withUnsafeBufferPointer { csup_lean_spawn("/bin/true", argv, envp, scratch.file("gone"), $0.baseAddress, &pid) }
        #expect(missingFolder == ENOENT)
    }
}
