import CGit2
import Foundation
import TestSupport
import Testing

/// Proves that the libgit2 system library links and reads a repository made by the git CLI.
@Suite("libgit2 link")
struct LibGit2LinkTests {
    @Test("libgit2 opens a repository made by git and reads the same HEAD")
    func opensRepositoryAndReadsHead() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cgit2-smoke-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        try await Command.output(["git", "init", "-q", "-b", "main"], in: directory.path)
        try Data("hello\n".utf8).write(to: directory.appendingPathComponent("README"))
        try await Command.output(["git", "add", "README"], in: directory.path)
        try await Command.output(["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                                  "commit", "-q", "-m", "first"], in: directory.path)
        let expectedHead = try await Command.output(["git", "rev-parse", "HEAD"], in: directory.path)

        #expect(git_libgit2_init() >= 1)
        defer { git_libgit2_shutdown() }

        var repository: OpaquePointer?
        #expect(git_repository_open(&repository, directory.path) == 0)
        defer { git_repository_free(repository) }

        var oid = git_oid()
        #expect(git_reference_name_to_id(&oid, repository, "HEAD") == 0)
        var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
        git_oid_tostr(&buffer, buffer.count, &oid)
        #expect(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == expectedHead)
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
}
