import FleetTypes
import Foundation
import GitStore
import Synchronization
import Testing

@Suite("GitStore fetch", .serialized)
struct FetchTests {
    @Test("a fetch from a local path mirrors the branches and the tag a revision names, and reports progress")
    func fetchFromPath() async throws {
        let fixture = try await GitFixture()
        try fixture.write("bot.py", "print('hi')\n")
        let first = try await fixture.commit("first")
        try await fixture.git(["tag", "-a", "v1", "-m", "version 1"])
        try await fixture.git(["branch", "feature"])
        try await fixture.git(["tag", "unnamed"])

        let store = try await ReleaseStore(configuration: fixture.configuration())
        let reports = Mutex<[FetchProgress]>([])
        let result = try await store.fetch(revision: "v1~0") { progress in reports.withLock { $0.append(progress) } }

        #expect(result.branches == ["feature", "main"])
        #expect(result.prunedBranches.isEmpty)
        #expect(result.receivedObjects > 0)
        let last = try #require(reports.withLock { $0.last })
        #expect(last.totalObjects == result.receivedObjects)
        #expect(last.fractionReceived == 1)
        #expect(try await store.resolve("v1").id.rawValue == first)
        #expect(try await store.resolve("feature").id.rawValue == first)
        #expect(try await store.resolve("HEAD").id.rawValue == first)
        #expect(try await fixture.git(["--git-dir", store.repositoryPath, "rev-parse", "refs/tags/v1^{}"]) == first)
        _ = await expectGitStoreError(.unknownRevision) { _ = try await store.resolve("unnamed") }
    }

    @Test("a file:// URL is fetched like a path")
    func fetchFromFileURL() async throws {
        let fixture = try await GitFixture()
        let id = try await fixture.commit("first")
        let store = try await ReleaseStore(configuration: fixture.configuration(sourceURL: "file://\(fixture.source.path)"))
        try await store.fetch()
        #expect(try await store.resolve("main").id.rawValue == id)
    }

    @Test("a missing local source, as a path or a file:// URL, is a fetch error naming it plainly")
    func missingSource() async throws {
        let fixture = try await GitFixture()
        let missing = fixture.root.appendingPathComponent("no-such-repo").path
        for url in [missing, "file://\(missing)"] {
            let store = try await ReleaseStore(configuration: fixture.configuration(sourceURL: url))
            let error = await expectGitStoreError(.fetch) { try await store.fetch() }
            #expect(error?.input == url)
            #expect(error?.message.contains("does not exist (no folder \(missing))") == true, "\(String(describing: error))")
            #expect(error?.message.contains("unsupported URL protocol") == false)
            #expect(throws: GitStoreError.self) { try ReleaseStore.checkLocalSource(url) }
        }
        let notARepository = fixture.root.appendingPathComponent("state").path
        let store = try await ReleaseStore(configuration: fixture.configuration(sourceURL: notARepository))
        let error = await expectGitStoreError(.fetch) { try await store.fetch() }
        #expect(error?.message.contains("is not a git repository") == true, "\(String(describing: error))")
        try ReleaseStore.checkLocalSource(fixture.source.path)
        try ReleaseStore.checkLocalSource("https://example.invalid/bot.git")
    }

    @Test("credentials in a source URL never reach the error")
    func credentialsRedacted() async throws {
        let fixture = try await GitFixture()
        let url = "https://robot:s3cret-token@127.0.0.1:1/bot.git"
        var configuration = fixture.configuration(sourceURL: url)
        configuration.credentials = .token("another-s3cret")
        let store = try await ReleaseStore(configuration: configuration)
        let error = await expectGitStoreError(.fetch) { try await store.fetch() }
        let text = String(describing: error)
        #expect(!text.contains("s3cret"))
        #expect(text.contains("https://***@127.0.0.1:1/bot.git"))
    }

    @Test("a fetch after the source moved sees the new commits")
    func fetchAfterSourceMoved() async throws {
        let fixture = try await GitFixture()
        try await fixture.commit("first")
        let store = try await fixture.fetchedStore()
        try fixture.write("new.txt", "new\n")
        let second = try await fixture.commit("second")
        try await fixture.git(["tag", "v2"])

        try await store.fetch(revision: "v2")
        #expect(try await store.resolve("main").id.rawValue == second)
        #expect(try await store.resolve("v2").id.rawValue == second)
    }

    @Test("a force-pushed branch follows the source, and a deleted branch is pruned")
    func forcePushedBranch() async throws {
        let fixture = try await GitFixture()
        try await fixture.commit("first")
        try await fixture.commit("second")
        try await fixture.git(["branch", "doomed"])
        let store = try await fixture.fetchedStore()

        try await fixture.git(["reset", "-q", "--hard", "HEAD~1"])
        try fixture.write("rewritten.txt", "rewritten\n")
        let rewritten = try await fixture.commit("rewritten second")
        try await fixture.git(["branch", "-D", "doomed"])

        let result = try await store.fetch()
        #expect(try await store.resolve("main").id.rawValue == rewritten)
        #expect(result.prunedBranches == ["doomed"])
        _ = await expectGitStoreError(.unknownRevision) { _ = try await store.resolve("doomed") }
    }
}
