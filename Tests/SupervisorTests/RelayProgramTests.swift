#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import Supervisor

/// Where the redacting relay starts from: the small program beside the executable, else the executable itself;
/// both redact.
@Suite struct RelayProgramTests {
    @Test func theSmallProgramBesideTheExecutableIsPreferred() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let executable = scratch.file("bin/urban-robot")
        let relay = scratch.file("bin/urban-robot-log-relay")
        try FileManager.default.createDirectory(atPath: scratch.file("bin"), withIntermediateDirectories: true)
        #expect(RelayProgram.path(besides: executable) == "/proc/self/exe")
        #expect(RelayProgram.missingProgram(besides: executable) == relay)
        #expect(FileManager.default.createFile(atPath: relay, contents: Data("#!/bin/sh\n".utf8)))
        #expect(chmod(relay, 0o644) == 0)
        #expect(RelayProgram.path(besides: executable) == "/proc/self/exe", "a file that is not executable is no relay")
        #expect(RelayProgram.missingProgram(besides: executable) == relay)
        #expect(chmod(relay, 0o755) == 0)
        #expect(RelayProgram.path(besides: executable) == relay)
        #expect(RelayProgram.missingProgram(besides: executable) == nil)
        #expect(RelayProgram.path(besides: nil) == "/proc/self/exe")
        #expect(RelayProgram.missingProgram(besides: nil) == "urban-robot-log-relay")
    }

    /// The build puts the relay program beside every executable, the test runner's included: the tests' launches
    /// use it, as the daemon's do.
    @Test func theBuildsRelayProgramIsTheOneInUse() {
        #expect(RelayProgram.path.hasSuffix("/urban-robot-log-relay"), "\(RelayProgram.path)")
        #expect(access(RelayProgram.path, X_OK) == 0)
        #expect(LocalProcessLauncher.missingLogRelay == nil)
    }

    @Test(arguments: [RelayProgram.path, "/proc/self/exe"])
    func eitherProgramRedactsWhatReachesTheLog(relay: String) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let secret = "secret-\(UUID().uuidString)"
        let log = LogFile(policy: LogPolicy(path: scratch.file("relay.log"), redacting: [secret]))
        let fd = try log.open(header: "# header")
        let pipe = try log.output(into: fd, relay: relay)
        close(fd)
        let line = "before \(secret) after\n"
        #expect(line.utf8CString.withUnsafeBufferPointer { write(pipe, $0.baseAddress, $0.count - 1) } == line.utf8.count)
        close(pipe)
        #expect(await eventually { scratch.read("relay.log").hasSuffix("before <redacted> after\n") })
        #expect(!scratch.read("relay.log").contains(secret))
    }
}
