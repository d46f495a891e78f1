import FleetTypes
import Foundation
import GitStore
import Testing

@Suite("GitStore resolve and history", .serialized)
struct ResolveTests {
    @Test("branches, tags named by the fetch, ids and revspecs resolve to the commit git names")
    func resolvesEveryForm() async throws {
        let fixture = try await GitFixture()
        let first = try await fixture.commit("first commit\n\nwith a body", date: "2026-01-02T03:04:05Z")
        try await fixture.git(["tag", "-a", "annotated", "-m", "an annotated tag"])
        try await fixture.git(["tag", "light"])
        try await fixture.commit("second")
        let third = try await fixture.commit("third")
        let store = try await fixture.fetchedStore()

        try await store.fetch(revision: "annotated")
        let revision = try await store.resolve("annotated")
        #expect(revision.id.rawValue == first)
        #expect(revision.subject == "first commit")
        #expect(revision.author == "Ada Author")
        #expect(revision.authorEmail == "ada@example.invalid")
        #expect(revision.time == ISO8601DateFormatter().date(from: "2026-01-02T03:04:05Z"))
        try await store.fetch(revision: "light")
        #expect(try await store.resolve("light").id.rawValue == first)
        #expect(try await store.resolve("main").id.rawValue == third)
        #expect(try await store.resolve("main~2").id.rawValue == first)
        #expect(try await store.resolve(first).id.rawValue == first)
        #expect(try await store.resolve(String(first.prefix(8))).id.rawValue == first)
        #expect(try await store.resolve("main^").id.rawValue == fixture.git(["rev-parse", "HEAD^"]))
    }

    @Test("an unknown revision is an error that names it")
    func unknownRevision() async throws {
        let fixture = try await GitFixture()
        try await fixture.commit("first")
        let store = try await fixture.fetchedStore()
        let error = await expectGitStoreError(.unknownRevision) { _ = try await store.resolve("no-such-branch") }
        #expect(error?.input == "no-such-branch")
        #expect(error?.message.contains("no-such-branch") == true)
        #expect(error?.libgit2?.code == -3)
        _ = await expectGitStoreError(.unknownRevision) { _ = try await store.resolve("main~5") }
        _ = await expectGitStoreError(.invalidArgument) { _ = try await store.resolve("") }
    }

    @Test("a tag on a tree or a blob is not a commit")
    func tagOnTreeOrBlob() async throws {
        let fixture = try await GitFixture()
        try fixture.write("file.txt", "content\n")
        try await fixture.commit("first")
        try await fixture.git(["tag", "on-tree", "HEAD^{tree}"])
        try await fixture.git(["tag", "-a", "on-blob", "-m", "blob", "HEAD:file.txt"])
        let store = try await fixture.fetchedStore()

        try await store.fetch(revision: "on-tree")
        let treeError = await expectGitStoreError(.notACommit) { _ = try await store.resolve("on-tree") }
        #expect(treeError?.input == "on-tree")
        #expect(treeError?.detail.contains("tree") == true)
        try await store.fetch(revision: "on-blob")
        let blobError = await expectGitStoreError(.notACommit) { _ = try await store.checkout(Revision("on-blob")) }
        #expect(blobError?.detail.contains("blob") == true)
    }

    @Test("history a..b lists the new commits newest first with their subjects")
    func history() async throws {
        let fixture = try await GitFixture()
        let base = try await fixture.commit("base", date: "2026-01-01T00:00:00Z")
        let one = try await fixture.commit("one", date: "2026-01-01T00:00:01Z")
        let two = try await fixture.commit("two", date: "2026-01-01T00:00:02Z")
        let store = try await fixture.fetchedStore()

        let commits = try await store.history(from: Revision(base), to: Revision("main"))
        #expect(commits.map(\.id.rawValue) == [two, one])
        #expect(commits.map(\.subject) == ["two", "one"])
        #expect(try await store.history(from: Revision("main"), to: Revision(base)).isEmpty)
        #expect(try await store.history(from: Revision(base), to: Revision("main"), limit: 1).map(\.id.rawValue) == [two])
        let error = await expectGitStoreError(.unknownRevision) { _ = try await store.history(from: Revision("gone"), to: Revision("main")) }
        #expect(error?.input == "gone")
    }
}
