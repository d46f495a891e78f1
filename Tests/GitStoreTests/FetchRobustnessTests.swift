import FleetTypes
import Foundation
import GitStore
import Testing

/// Whatever the source holds, a deployment's fetch + resolve + checkout keeps working.
@Suite("GitStore fetch robustness", .serialized)
struct FetchRobustnessTests {
    /// A deployment's release step: fetch for `revision`, resolve it, check it out; returns the release's id.
    private func deploy(_ revision: String, with store: ReleaseStore) async throws -> String {
        try await store.fetch(revision: revision)
        let resolved = try await store.resolve(revision)
        let release = try await store.checkout(resolved.id)
        #expect(FileManager.default.fileExists(atPath: release.directory + "/bot.py"))
        return release.id
    }

    private func mirrorReferences(_ fixture: GitFixture, _ store: ReleaseStore) async throws -> [String] {
        try await fixture.git(["--git-dir", store.repositoryPath, "for-each-ref", "--format=%(refname)"])
            .split(separator: "\n").map(String.init)
    }

    /// Tags on a blob and a tree, lightweight and annotated, in the source.
    private func tagBlobAndTree(_ fixture: GitFixture) async throws -> [String] {
        let blob = try await fixture.git(["rev-parse", "HEAD:bot.py"])
        let tree = try await fixture.git(["rev-parse", "HEAD^{tree}"])
        try await fixture.git(["tag", "on-a-blob", blob])
        try await fixture.git(["tag", "on-a-tree", tree])
        try await fixture.git(["tag", "-a", "annotated-on-a-blob", "-m", "blob", blob])
        try await fixture.git(["tag", "-a", "annotated-on-a-tree", "-m", "tree", tree])
        try await fixture.git(["tag", "good/on-a-tree", tree])
        return ["on-a-blob", "on-a-tree", "annotated-on-a-blob", "annotated-on-a-tree", "good/on-a-tree"]
    }

    @Test("tags on a blob and a tree at the source never wedge the mirror, before or after they are deleted")
    func tagsOnBlobsAndTrees() async throws {
        let fixture = try await GitFixture()
        try fixture.write("bot.py", "print('one')\n")
        try await fixture.commit("first")
        let store = try await fixture.fetchedStore()
        let tags = try await tagBlobAndTree(fixture)

        for round in 1...2 {
            try fixture.write("bot.py", "print('round \(round)')\n")
            let id = try await fixture.commit("round \(round)")
            #expect(try await deploy("main", with: store) == id)
        }
        for tag in tags {
            let error = await expectGitStoreError(.notACommit) { _ = try await deploy(tag, with: store) }
            #expect(error?.message.contains("refs/tags/\(tag)") == true, "\(String(describing: error))")
        }
        #expect(try await mirrorReferences(fixture, store) == ["refs/heads/main"])

        for tag in tags { try await fixture.git(["tag", "-d", tag]) }
        try fixture.write("bot.py", "print('after deletion')\n")
        let after = try await fixture.commit("after deletion")
        #expect(try await deploy("main", with: store) == after)
    }

    @Test("a mirror an older fetch filled with tags on blobs and trees heals on the next fetch")
    func wedgedMirrorHeals() async throws {
        let fixture = try await GitFixture()
        try fixture.write("bot.py", "print('one')\n")
        try await fixture.commit("first")
        let store = try await fixture.fetchedStore()
        _ = try await tagBlobAndTree(fixture)
        try await fixture.git(["--git-dir", store.repositoryPath, "fetch", "-q", fixture.source.path, "+refs/tags/*:refs/tags/*"])
        try fixture.write("bot.py", "print('two')\n")
        let second = try await fixture.commit("second")

        #expect(try await deploy("main", with: store) == second)
        #expect(try await mirrorReferences(fixture, store) == ["refs/heads/main"])
    }

    @Test("a reference moved by hand onto a tree after a fetch checked it is removed by the next fetch")
    func referenceMovedAfterItWasCheckedIsCheckedAgain() async throws {
        let fixture = try await GitFixture()
        try fixture.write("bot.py", "print('one')\n")
        let first = try await fixture.commit("first")
        let store = try await fixture.fetchedStore()
        try await store.markBad(Revision(first), reason: "a test")
        try await store.fetch()
        let mark = "refs/urban-robot/bad/\(first)"
        #expect(try await mirrorReferences(fixture, store).contains(mark))

        let tree = try await fixture.git(["rev-parse", "HEAD^{tree}"])
        try await fixture.git(["--git-dir", store.repositoryPath, "update-ref", mark, tree])
        let second = try await fixture.commit("second")

        #expect(try await deploy("main", with: store) == second)
        #expect(try await mirrorReferences(fixture, store) == ["refs/heads/main"])
    }

    @Test("tags deleted or moved at the source are pruned; good tags and bad marks stay")
    func tagsPruned() async throws {
        let fixture = try await GitFixture()
        try fixture.write("bot.py", "print('one')\n")
        let first = try await fixture.commit("first")
        try await fixture.git(["tag", "doomed"])
        try await fixture.git(["tag", "moved"])
        try await fixture.git(["tag", "good/by-hand"])
        let store = try await fixture.fetchedStore()
        #expect(try await deploy("doomed", with: store) == first)
        #expect(try await deploy("moved", with: store) == first)
        let good = try await store.markGood(Revision(first), deployment: "d-1", health: "ok")
        try await store.markBad(Revision(first), reason: "a test")

        try await fixture.git(["tag", "-d", "doomed", "good/by-hand"])
        let second = try await fixture.commit("second")
        try await fixture.git(["tag", "-f", "moved"])
        let result = try await store.fetch()

        #expect(result.prunedTags == ["refs/tags/doomed", "refs/tags/moved"])
        #expect(try await mirrorReferences(fixture, store) == [
            "refs/heads/main", "refs/tags/\(good.name)", "refs/tags/good/by-hand", "refs/urban-robot/bad/\(first)",
        ])
        _ = await expectGitStoreError(.unknownRevision) { _ = try await store.resolve("doomed") }
        #expect(try await deploy("moved", with: store) == second)
        #expect(try await store.isBad(Revision(first)))
    }

    @Test("a force-pushed branch and a branch deleted and recreated (also as a folder) deploy their new commits")
    func rewrittenBranches() async throws {
        let fixture = try await GitFixture()
        try fixture.write("bot.py", "print('one')\n")
        try await fixture.commit("first")
        try await fixture.commit("second")
        try await fixture.git(["branch", "feature"])
        try await fixture.git(["branch", "topic"])
        let store = try await fixture.fetchedStore()
        #expect(try await deploy("feature", with: store) == fixture.git(["rev-parse", "feature"]))

        try await fixture.git(["reset", "-q", "--hard", "HEAD~1"])
        try fixture.write("bot.py", "print('rewritten')\n")
        let rewritten = try await fixture.commit("rewritten second")
        try await fixture.git(["branch", "-D", "feature", "topic"])
        try await fixture.git(["checkout", "-q", "--orphan", "feature"])
        try fixture.write("bot.py", "print('recreated')\n")
        let recreated = try await fixture.commit("recreated feature")
        try await fixture.git(["branch", "topic/one"])
        try await fixture.git(["checkout", "-q", "main"])

        #expect(try await deploy("main", with: store) == rewritten)
        #expect(try await deploy("feature", with: store) == recreated)
        #expect(try await deploy("topic/one", with: store) == recreated)
        _ = await expectGitStoreError(.unknownRevision) { _ = try await store.resolve("topic") }
    }

    @Test("a source reference naming a missing object fails the fetch with an error naming it and the source")
    func brokenSourceReference() async throws {
        let fixture = try await GitFixture()
        try fixture.write("bot.py", "print('one')\n")
        try await fixture.commit("first")
        let store = try await fixture.fetchedStore()
        try await fixture.commit("second")
        try Data("1234567890123456789012345678901234567890\n".utf8)
            .write(to: fixture.source.appendingPathComponent(".git/refs/heads/broken"))

        let error = await expectGitStoreError(.fetch) { try await store.fetch() }
        #expect(error?.message.contains("refs/heads/broken") == true, "\(String(describing: error))")
        #expect(error?.message.contains(fixture.source.path) == true, "\(String(describing: error))")
    }
}
