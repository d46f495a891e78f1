import FleetTypes
import Foundation
import GitStore
import Testing

@Suite("GitStore retention", .serialized)
struct RetentionTests {
    /// A fetched store with `count` releases checked out at increasing times (oldest first in the result).
    private func storeWithReleases(_ count: Int) async throws -> (GitFixture, ReleaseStore, [String]) {
        let fixture = try await GitFixture()
        var ids: [String] = []
        for index in 0..<count {
            try fixture.write("version.txt", "\(index)\n")
            ids.append(try await fixture.commit("release \(index)"))
        }
        let store = try await fixture.fetchedStore()
        for (index, id) in ids.enumerated() {
            let release = try await store.checkout(Revision(id))
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_700_000_000 + Double(index) * 60)],
                ofItemAtPath: release.directory + "/REVISION")
        }
        return (fixture, store, ids)
    }

    @Test("releases beyond keep are removed oldest first, never a protected one")
    func removesOldestUnprotected() async throws {
        let (fixture, store, ids) = try await storeWithReleases(5)
        defer { withExtendedLifetime(fixture) {} }
        let removed = try await store.removeOldReleases(protecting: [Revision(ids[0])], keep: 3)
        #expect(removed == [ids[1], ids[2]])
        #expect(Set(store.releases().map(\.id)) == [ids[0], ids[3], ids[4]])
        #expect(store.releases().map(\.id) == [ids[4], ids[3], ids[0]])
    }

    @Test("protected releases (the engine's: its clients' revisions and the last good) stay even when they outnumber keep")
    func protectedOutnumberKeep() async throws {
        let (fixture, store, ids) = try await storeWithReleases(4)
        defer { withExtendedLifetime(fixture) {} }
        let removed = try await store.removeOldReleases(protecting: Set(ids.prefix(3).map { Revision($0) }), keep: 1)
        #expect(Set(removed) == [ids[3]])
        #expect(Set(store.releases().map(\.id)) == [ids[0], ids[1], ids[2]])
    }

    @Test("keep_releases from the configuration applies, and a negative keep is refused")
    func configuredKeep() async throws {
        let (fixture, store, ids) = try await storeWithReleases(7)
        defer { withExtendedLifetime(fixture) {} }
        let removed = try await store.removeOldReleases(protecting: [])
        #expect(removed == [ids[0], ids[1]])
        #expect(store.releases().count == 5)
        _ = await expectGitStoreError(.invalidArgument) { _ = try await store.removeOldReleases(protecting: [], keep: -1) }
    }
}
