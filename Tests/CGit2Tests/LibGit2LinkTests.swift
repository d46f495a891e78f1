import CGit2
import Foundation
import Testing

/// Proves that the libgit2 system library links and reads a repository made by the git CLI.
@Suite("libgit2 link")
struct LibGit2LinkTests {
    @Test("libgit2 opens a repository made by git and reads the same HEAD")
    func opensRepositoryAndReadsHead() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cgit2-smoke-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        try runGit(["init", "-q", "-b", "main"], in: directory)
        try Data("hello\n".utf8).write(to: directory.appendingPathComponent("README"))
        try runGit(["add", "README"], in: directory)
        try runGit(["-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                    "commit", "-q", "-m", "first"], in: directory)
        let expectedHead = try runGit(["rev-parse", "HEAD"], in: directory)

        #expect(git_libgit2_init() >= 1)
        defer { git_libgit2_shutdown() }

        var repository: OpaquePointer?
        #expect(git_repository_open(&repository, directory.path) == 0)
        defer { git_repository_free(repository) }

        var oid = git_oid()
        #expect(git_reference_name_to_id(&oid, repository, "HEAD") == 0)
        var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
        git_oid_tostr(&buffer, buffer.count, &oid)
        #expect(String(cString: buffer) == expectedHead)
    }

    @Test("an unknown path is reported as not found")
    func unknownPathIsNotFound() {
        #expect(git_libgit2_init() >= 1)
        defer { git_libgit2_shutdown() }
        var repository: OpaquePointer?
        let status = git_repository_open(&repository, "/nonexistent/urban-robot-\(UUID().uuidString)")
        #expect(status == GIT_ENOTFOUND.rawValue)
        #expect(repository == nil)
    }

    @discardableResult
    private func runGit(_ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments.joined(separator: " ")) failed")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
