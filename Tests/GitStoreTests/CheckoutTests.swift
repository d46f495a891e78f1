import FleetTypes
import Foundation
import GitStore
import Testing

@Suite("GitStore release checkout", .serialized)
struct CheckoutTests {
    /// A source with nested folders, an executable script and a symlink.
    private func makeFixture() async throws -> (GitFixture, String) {
        let fixture = try await GitFixture()
        try fixture.write("bot.py", "print('bot')\n")
        try fixture.write("run.sh", "#!/bin/sh\nexec python3 bot.py\n", executable: true)
        try fixture.write("cogs/admin/health.py", "OK = True\n")
        try FileManager.default.createSymbolicLink(
            atPath: fixture.source.appendingPathComponent("current.py").path, withDestinationPath: "bot.py")
        let id = try await fixture.commit("release one")
        return (fixture, id)
    }

    @Test("a checkout matches git archive, keeps modes and symlinks, writes REVISION, touches no HEAD")
    func checkoutMatchesGitArchive() async throws {
        let (fixture, id) = try await makeFixture()
        let store = try await fixture.fetchedStore()
        let headBefore = try String(contentsOfFile: store.repositoryPath + "/HEAD", encoding: .utf8)

        let release = try await store.checkout(Revision("main"))

        #expect(release.id == id)
        #expect(release.directory == fixture.state.path + "/releases/" + id)
        let archived = try await fixture.archiveSnapshot(of: id, repositoryPath: store.repositoryPath)
        let snapshot = try GitFixture.snapshot(of: URL(fileURLWithPath: release.directory), excluding: ["REVISION"])
        #expect(snapshot == archived)
        #expect(snapshot["run.sh"]?.hasPrefix("x ") == true)
        #expect(snapshot["bot.py"]?.hasPrefix("- ") == true)
        #expect(snapshot["current.py"] == "-> bot.py")
        #expect(try String(contentsOfFile: release.directory + "/REVISION", encoding: .utf8) == id + "\n")
        #expect(try String(contentsOfFile: store.repositoryPath + "/HEAD", encoding: .utf8) == headBefore)
        #expect(!FileManager.default.fileExists(atPath: store.repositoryPath + "/index"))
        #expect(store.releases().map(\.id) == [id])
    }

    @Test("a tree with .gitattributes gets its filters applied, like git archive")
    func attributesApplyFilters() async throws {
        let (fixture, _) = try await makeFixture()
        try fixture.write(".gitattributes", "*.txt text eol=crlf\n")
        try fixture.write("notes/readme.txt", "line one\nline two\n")
        let id = try await fixture.commit("with attributes")
        let store = try await fixture.fetchedStore()

        let release = try await store.checkout(Revision(id))

        let archived = try await fixture.archiveSnapshot(of: id, repositoryPath: store.repositoryPath)
        let snapshot = try GitFixture.snapshot(of: URL(fileURLWithPath: release.directory), excluding: ["REVISION"])
        #expect(snapshot["notes/readme.txt"] == "- line one\r\nline two\r\n")
        #expect(snapshot == archived)
        #expect(snapshot["current.py"] == "-> bot.py")
        #expect(snapshot["run.sh"]?.hasPrefix("x ") == true)
    }

    @Test("attributes that filter nothing leave the files as their blobs, like git archive")
    func attributesWithoutFilters() async throws {
        let (fixture, _) = try await makeFixture()
        try fixture.write(".gitattributes", "# vendored code\n*.c linguist-vendored\nsecret.txt export-ignore\n")
        try fixture.write("vendor/x.c", "int x;\r\n")
        let id = try await fixture.commit("with inert attributes")
        let store = try await fixture.fetchedStore()

        let release = try await store.checkout(Revision(id))

        let snapshot = try GitFixture.snapshot(of: URL(fileURLWithPath: release.directory), excluding: ["REVISION"])
        #expect(snapshot == (try await fixture.archiveSnapshot(of: id, repositoryPath: store.repositoryPath)))
        #expect(snapshot["vendor/x.c"] == "- int x;\r\n")
        #expect(snapshot[".gitattributes"]?.contains("linguist-vendored") == true)
        #expect(snapshot["run.sh"]?.hasPrefix("x ") == true)
        #expect(snapshot["current.py"] == "-> bot.py")
    }

    @Test("a complete release is reused without a second checkout")
    func reuse() async throws {
        let (fixture, id) = try await makeFixture()
        let store = try await fixture.fetchedStore()
        let first = try await store.checkout(Revision(id))
        let second = try await store.checkout(Revision(id))
        let third = try await store.checkout(Revision("main"))
        #expect(first == second)
        #expect(first == third)
        #expect(await store.checkoutsPerformed == 1)
        #expect(store.existingRelease(Revision(id)) == first)
    }

    @Test("an interrupted checkout leaves only a temporary folder, which the next call removes")
    func interruptedCheckoutIsCleanedUp() async throws {
        let (fixture, id) = try await makeFixture()
        let store = try await fixture.fetchedStore()
        let leftover = "\(store.releasesPath)/.tmp-\(id)-interrupted"
        try FileManager.default.createDirectory(atPath: leftover + "/cogs", withIntermediateDirectories: true)
        try Data("half".utf8).write(to: URL(fileURLWithPath: leftover + "/bot.py"))
        #expect(store.existingRelease(Revision(id)) == nil)

        let release = try await store.checkout(Revision(id))

        #expect(!FileManager.default.fileExists(atPath: leftover))
        #expect(try String(contentsOfFile: release.directory + "/bot.py", encoding: .utf8) == "print('bot')\n")
        let names = try FileManager.default.contentsOfDirectory(atPath: store.releasesPath)
        #expect(names == [id])
    }

    @Test("a leftover temporary folder is removed when the store is reopened")
    func leftoverRemovedOnOpen() async throws {
        let (fixture, id) = try await makeFixture()
        let store = try await fixture.fetchedStore()
        let leftover = "\(store.releasesPath)/.tmp-\(id)-crashed"
        try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: true)
        _ = try await ReleaseStore(configuration: fixture.configuration())
        #expect(!FileManager.default.fileExists(atPath: leftover))
    }

    @Test("an unwritable releases folder is a file-system error naming the path")
    func unwritableReleasesFolder() async throws {
        let (fixture, id) = try await makeFixture()
        let store = try await fixture.fetchedStore()
        try FileManager.default.removeItem(atPath: store.releasesPath)
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: store.releasesPath))

        let error = await expectGitStoreError(.fileSystem) { _ = try await store.checkout(Revision(id)) }
        #expect(error?.input?.hasPrefix(store.releasesPath) == true)
        #expect(store.existingRelease(Revision(id)) == nil)
    }

    @Test("an unknown full id is an unknown revision")
    func unknownFullID() async throws {
        let (fixture, _) = try await makeFixture()
        let store = try await fixture.fetchedStore()
        let missing = String(repeating: "ab", count: 20)
        let error = await expectGitStoreError(.unknownRevision) { _ = try await store.checkout(Revision(missing)) }
        #expect(error?.input == missing)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.releasesPath).isEmpty)
    }

    @Test("concurrent requests for one revision share one checkout")
    func concurrentSameRevision() async throws {
        let (fixture, id) = try await makeFixture()
        let store = try await fixture.fetchedStore()
        let releases = try await withThrowingTaskGroup(of: Release.self) { group in
            for _ in 0..<8 { group.addTask { try await store.checkout(Revision(id)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(releases.count == 8)
        #expect(Set(releases).count == 1)
        #expect(await store.checkoutsPerformed == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.releasesPath) == [id])
    }

    @Test("concurrent requests for different revisions each get their own correct release")
    func concurrentDifferentRevisions() async throws {
        let (fixture, first) = try await makeFixture()
        try fixture.write("bot.py", "print('bot 2')\n")
        let second = try await fixture.commit("release two")
        let store = try await fixture.fetchedStore()
        async let one = store.checkout(Revision(first))
        async let two = store.checkout(Revision(second))
        let (releaseOne, releaseTwo) = try await (one, two)
        #expect(try String(contentsOfFile: releaseOne.directory + "/bot.py", encoding: .utf8) == "print('bot')\n")
        #expect(try String(contentsOfFile: releaseTwo.directory + "/bot.py", encoding: .utf8) == "print('bot 2')\n")
        #expect(await store.checkoutsPerformed == 2)
        #expect(Set(store.releases().map(\.id)) == [first, second])
    }

    @Test("a commit with a submodule is a clear error naming the submodule")
    func submoduleIsRejected() async throws {
        let (fixture, id) = try await makeFixture()
        try await fixture.git(["update-index", "--add", "--cacheinfo", "160000,\(id),vendor/lib"])
        try await fixture.git(["commit", "-q", "-m", "add a submodule"])
        let withSubmodule = try await fixture.git(["rev-parse", "HEAD"])
        let store = try await fixture.fetchedStore()
        let error = await expectGitStoreError(.submodules) { _ = try await store.checkout(Revision(withSubmodule)) }
        #expect(error?.detail.contains("vendor/lib") == true)
        #expect(store.existingRelease(Revision(withSubmodule)) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.releasesPath).isEmpty)
    }
}
