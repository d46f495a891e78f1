import Foundation
import GitStore
import Testing

@Suite("GitStore ancestry", .serialized)
struct AncestryTests {
    @Test("a later commit descends from an earlier one, not the other way; a side branch from neither tip")
    func descendants() async throws {
        let fixture = try await GitFixture()
        let first = try await fixture.commit("first")
        let second = try await fixture.commit("second")
        try await fixture.git(["checkout", "-q", "-b", "side", first])
        let side = try await fixture.commit("side")
        try await fixture.git(["checkout", "-q", "main"])
        let store = try await fixture.fetchedStore()

        #expect(try await store.isDescendant(second, of: first))
        #expect(try await store.isDescendant("main", of: String(first.prefix(10))))
        #expect(try await store.isDescendant(first, of: second) == false)
        #expect(try await store.isDescendant(second, of: second) == false)
        #expect(try await store.isDescendant(side, of: first))
        #expect(try await store.isDescendant(side, of: second) == false)
        #expect(try await store.isDescendant(second, of: side) == false)
    }

    @Test("a revision the mirror does not have is an error naming it")
    func unknown() async throws {
        let fixture = try await GitFixture()
        let first = try await fixture.commit("first")
        let store = try await fixture.fetchedStore()
        let missing = String(repeating: "e", count: 40)
        let error = await expectGitStoreError(.unknownRevision) { _ = try await store.isDescendant(missing, of: first) }
        #expect(error?.input == missing)
    }
}
