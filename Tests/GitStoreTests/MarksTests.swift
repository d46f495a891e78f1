import FleetTypes
import Foundation
import GitStore
import Synchronization
import Testing

@Suite("GitStore good tags and bad marks", .serialized)
struct MarksTests {
    private static let fixedDate = Date(timeIntervalSince1970: 1_795_756_380)  // 2026-11-27T05:13:00Z

    @Test("markGood creates an annotated tag good/<UTC stamp> carrying the deployment and the health")
    func markGoodCreatesAnnotatedTag() async throws {
        let fixture = try await GitFixture()
        let id = try await fixture.commit("first")
        let store = try await ReleaseStore(configuration: fixture.configuration(now: { Self.fixedDate }))
        try await store.fetch()

        let tag = try await store.markGood(Revision(id), deployment: "d-42", health: "8/8 cogs\nlatency 40 ms")

        #expect(tag.name == "good/20261127T051300Z")
        #expect(tag.revision.rawValue == id)
        #expect(tag.isAnnotated)
        #expect(tag.deploymentID == "d-42")
        #expect(tag.health == "8/8 cogs latency 40 ms")
        let gitDir = store.repositoryPath
        #expect(try await fixture.git(["--git-dir", gitDir, "cat-file", "-t", "good/20261127T051300Z"]) == "tag")
        #expect(try await fixture.git(["--git-dir", gitDir, "rev-parse", "good/20261127T051300Z^{commit}"]) == id)
        let body = try await fixture.git(["--git-dir", gitDir, "cat-file", "-p", "good/20261127T051300Z"])
        #expect(body.contains("tagger urban-robot <urban-robot@localhost> 1795756380 +0000"))
        #expect(body.contains("deployment: d-42"))
    }

    @Test("after a good tag the mirror's references are packed into one file, every one still there")
    func referencesArePackedAfterAGoodTag() async throws {
        let fixture = try await GitFixture()
        let id = try await fixture.commit("first")
        try await fixture.git(["branch", "feature"])
        let store = try await ReleaseStore(configuration: fixture.configuration(now: { Self.fixedDate }))
        try await store.fetch()
        try await store.markBad(Revision(id), reason: "a test")

        let tag = try await store.markGood(Revision(id), deployment: "d-1", health: "ok")

        let gitDir = store.repositoryPath
        let looseFiles = try FileManager.default.subpathsOfDirectory(atPath: gitDir + "/refs").filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: gitDir + "/refs/" + path, isDirectory: &isFolder) && !isFolder.boolValue
        }
        #expect(looseFiles.isEmpty, "loose references left: \(looseFiles)")
        let packed = try String(contentsOfFile: gitDir + "/packed-refs", encoding: .utf8)
        for name in ["refs/heads/main", "refs/heads/feature", "refs/tags/\(tag.name)", "refs/urban-robot/bad/\(id)"] {
            #expect(packed.contains(" \(name)\n"), "\(name) is not in packed-refs")
        }
        #expect(try await store.goodTags().map(\.name) == [tag.name])
        #expect(try await store.isBad(Revision(id)))
        #expect(try await store.resolve("feature").id.rawValue == id)
    }

    @Test("the good tag the engine is told is the details' goodTag: the full id a ref resolved to, and the name")
    func goodTagForTheEngine() async throws {
        let fixture = try await GitFixture()
        let id = try await fixture.commit("first")
        let store = try await ReleaseStore(configuration: fixture.configuration(now: { Self.fixedDate }))
        try await store.fetch()

        let made = try await store.markGood(Revision("main"), deployment: "d-3", health: "ok")

        #expect(made.goodTag == GoodTag(revision: Revision(id), tag: "good/20261127T051300Z"))
        #expect(made.name == made.goodTag.tag && made.revision == made.goodTag.revision)
        #expect(try await store.goodTags().map(\.goodTag) == [made.goodTag])
    }

    @Test("two good tags within one second get consecutive stamps")
    func collisionBumpsOneSecond() async throws {
        let fixture = try await GitFixture()
        let first = try await fixture.commit("first")
        let second = try await fixture.commit("second")
        let store = try await ReleaseStore(configuration: fixture.configuration(now: { Self.fixedDate }))
        try await store.fetch()
        let a = try await store.markGood(Revision(first), deployment: "d-1", health: "ok")
        let b = try await store.markGood(Revision(second), deployment: "d-2", health: "ok")
        #expect(a.name == "good/20261127T051300Z")
        #expect(b.name == "good/20261127T051301Z")
        #expect(try await store.goodTags().map(\.name) == [b.name, a.name])
    }

    @Test("good tags are listed newest first; a lightweight tag a person made counts, dated by its commit")
    func goodTagsNewestFirst() async throws {
        let fixture = try await GitFixture()
        let old = try await fixture.commit("old", date: "2026-01-01T00:00:00Z")
        try await fixture.git(["tag", "good/by-hand"])
        let middle = try await fixture.commit("middle", date: "2026-06-01T00:00:00Z")
        let tree = try await fixture.git(["rev-parse", "HEAD^{tree}"])
        try await fixture.git(["tag", "good/on-a-tree", tree])
        try await fixture.git(["tag", "other/not-good"])
        let clock = Mutex(Date(timeIntervalSince1970: 1_780_000_000))  // 2026-05-28
        let store = try await ReleaseStore(configuration: fixture.configuration(now: { clock.withLock { $0 } }))
        try await store.fetch()
        let first = try await store.markGood(Revision(middle), deployment: "d-1", health: "ok")
        clock.withLock { $0 = Date(timeIntervalSince1970: 1_790_000_000) }  // 2026-09-21
        let second = try await store.markGood(Revision(old), deployment: "d-2", health: "ok")

        let tags = try await store.goodTags()

        #expect(tags.map(\.name) == [second.name, first.name, "good/by-hand"])
        #expect(tags.last?.isAnnotated == false)
        #expect(tags.last?.date == ISO8601DateFormatter().date(from: "2026-01-01T00:00:00Z"))
    }

    @Test("bad marks are set, listed and removed")
    func badMarks() async throws {
        let fixture = try await GitFixture()
        let first = try await fixture.commit("first")
        let second = try await fixture.commit("second")
        let store = try await fixture.fetchedStore()
        try await store.markGood(Revision(first), deployment: "d-1", health: "ok")
        try await store.markGood(Revision(second), deployment: "d-2", health: "ok")

        let mark = try await store.markBad(Revision(second), reason: "crash loop after rollout")
        #expect(mark.revision == second)
        #expect(try await store.isBad(Revision(second)))
        #expect(!(try await store.isBad(Revision(first))))
        #expect(try await store.badRevisions().map(\.revision) == [second])
        #expect(try await store.badRevisions().first?.reason == "crash loop after rollout")

        #expect(try await store.unmarkBad(Revision(second)))
        #expect(!(try await store.unmarkBad(Revision(second))))
        #expect(try await store.badRevisions().isEmpty)
        _ = await expectGitStoreError(.unknownRevision) {
            _ = try await store.markBad(Revision(String(repeating: "0", count: 40)), reason: "x")
        }
    }

    @Test("good tags and bad marks survive a reopen and a fetch")
    func marksSurviveReopenAndFetch() async throws {
        let fixture = try await GitFixture()
        let first = try await fixture.commit("first")
        let second = try await fixture.commit("second")
        do {
            let store = try await fixture.fetchedStore()
            try await store.markGood(Revision(first), deployment: "d-1", health: "ok")
            try await store.markBad(Revision(second), reason: "failed gate")
        }
        try await fixture.commit("third")
        let reopened = try await ReleaseStore(configuration: fixture.configuration())
        try await reopened.fetch()
        #expect(try await reopened.goodTags().map(\.revision.rawValue) == [first])
        #expect(try await reopened.badRevisions().map(\.revision) == [second])
        #expect(try await reopened.badRevisions().first?.reason == "failed gate")
    }

    @Test("good tags are pushed to a bare source remote when push_tags is set")
    func pushTags() async throws {
        let fixture = try await GitFixture(bare: true)
        let work = fixture.root.appendingPathComponent("work")
        try await GitFixture.run(["git", "clone", "-q", fixture.source.path, work.path], in: fixture.root)
        try await GitFixture.run(["git", "commit", "-q", "--allow-empty", "-m", "first"], in: work)
        try await GitFixture.run(["git", "push", "-q", "origin", "HEAD:main"], in: work)
        let id = try await GitFixture.run(["git", "rev-parse", "HEAD"], in: work)

        let store = try await fixture.fetchedStore(pushTags: true)
        let tag = try await store.markGood(Revision(id), deployment: "d-7", health: "ok")

        #expect(try await fixture.git(["rev-parse", "refs/tags/\(tag.name)^{commit}"]) == id)
        #expect(try await fixture.git(["cat-file", "-t", "refs/tags/\(tag.name)"]) == "tag")
        try await store.pushGoodTag(tag.name)
        let error = await expectGitStoreError(.push) { try await store.pushGoodTag("good/missing") }
        #expect(error?.input?.contains("good/missing") == true)
    }
}
