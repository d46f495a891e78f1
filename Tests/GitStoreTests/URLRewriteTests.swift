import FleetTypes
import Foundation
import GitStore
import Testing

/// The mirror applies git's `url.<base>.insteadOf` rules itself (libgit2's own reading of them leaks memory on
/// every remote it creates); the rewriting must stay what git does.
@Suite("GitStore insteadOf rules", .serialized)
struct URLRewriteTests {
    @Test("a source URL is fetched through the longest matching insteadOf rule of the git configuration")
    func fetchThroughLongestRule() async throws {
        let fixture = try await GitFixture()
        let id = try await fixture.commit("first")
        let url = "https://example.invalid/bots/source"
        let store = try await ReleaseStore(configuration: fixture.configuration(sourceURL: url))
        let mirror = ["--git-dir", store.repositoryPath, "config", "--add"]
        _ = try await fixture.git(mirror + ["url.\(fixture.root.path)/no-such-folder/.insteadOf", "https://example.invalid/"])
        _ = try await fixture.git(mirror + ["url.\(fixture.root.path)/.insteadOf", "https://example.invalid/bots/"])
        _ = try await fixture.git(mirror + ["url.\(fixture.root.path)/other/.insteadOf", "https://example.invalid/bot"])

        try await store.fetch()
        #expect(try await store.resolve("main").id.rawValue == id)
    }

    @Test("without a matching rule the URL is used as given, and an error names it as configured")
    func unmatchedURLIsKept() async throws {
        let fixture = try await GitFixture()
        _ = try await fixture.commit("first")
        let missing = fixture.root.appendingPathComponent("missing").path
        let store = try await ReleaseStore(configuration: fixture.configuration(sourceURL: missing))
        _ = try await fixture.git(
            ["--git-dir", store.repositoryPath, "config", "url.\(fixture.source.path).insteadOf", "\(missing)-other"])
        let error = await expectGitStoreError(.fetch) { try await store.fetch() }
        #expect(error?.input == missing)
    }
}
