import Foundation
import GitStore
import Testing

@Suite("GitStore local repositories (what hook install needs)")
struct LocalRepositoryTests {
    @Test("a bare repository: bare, its git folder is its path, and the keys set land in its own config")
    func bareRepositoryConfig() async throws {
        let fixture = try await GitFixture(bare: true)
        let repository = try LocalRepository(path: fixture.source.path)
        #expect(repository.isBare)
        #expect(repository.gitDirectory == fixture.source.path + "/")

        try repository.setLocalConfig([
            "urban-robot.binary": "/usr/local/bin/urban-robot", "urban-robot.config": "/etc/a b.toml",
        ])
        try repository.setLocalConfig(["urban-robot.config": "/etc/urban-robot.toml"])

        let binary = try await fixture.git(["config", "--local", "--get", "urban-robot.binary"])
        #expect(binary == "/usr/local/bin/urban-robot")
        // Set again, a key is replaced, not added a second time.
        let config = try await fixture.git(["config", "--local", "--get-all", "urban-robot.config"])
        #expect(config == "/etc/urban-robot.toml")
    }

    @Test("a repository with a work tree is not bare, and its git folder is its .git")
    func workTreeRepository() async throws {
        let fixture = try await GitFixture()
        let repository = try LocalRepository(path: fixture.source.path)
        #expect(!repository.isBare)
        #expect(repository.gitDirectory == fixture.source.path + "/.git/")
    }

    @Test("a folder that is not a repository, and one inside a repository, are refused, naming the path")
    func notARepository() async throws {
        let fixture = try await GitFixture()
        let inside = fixture.source.appendingPathComponent("sub").path
        try FileManager.default.createDirectory(atPath: inside, withIntermediateDirectories: true)
        for path in [fixture.root.appendingPathComponent("missing.git").path, inside] {
            let error = #expect(throws: GitStoreError.self) { try LocalRepository(path: path) }
            #expect(error?.code == .repository)
            #expect(error?.message.contains(path) == true)
        }
    }
}
