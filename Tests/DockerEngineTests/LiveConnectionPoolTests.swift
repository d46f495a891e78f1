import DockerEngine
import Foundation
import Testing
import TestSupport

/// The swarm launcher holds one or two streams per client it follows, each on a connection of its own for as long
/// as the client runs: more of them than AsyncHTTPClient's default 8 connections per host are open at once, and a
/// plain call beside them still answers.
@Suite(.enabled("the private Docker engine runs (Scripts/docker-engine start)") { await TestEngine.client() != nil })
struct LiveConnectionPoolTests {
    @Test func twelveEventStreamsStayOpenAtOnceAndACallBesideThemAnswers() async throws {
        let engine = try #require(await TestEngine.client())
        let name = "urban-robot-test-pool-\(UUID().uuidString.prefix(8).lowercased())"
        let since = Date().addingTimeInterval(-1)
        let (seen, seeing) = AsyncStream.makeStream(of: Void.self)
        let streams = (0..<12).map { _ in
            Task {
                // Each stream stays open after the secret's creation, which it sees (live, or replayed once it is
                // connected): a stream kept waiting for a connection would never see it.
                for try await event in engine.events(filters: ["type": ["secret"], "secret": [name]], since: since)
                where event.action == "create" {
                    seeing.yield()
                }
            }
        }
        defer { streams.forEach { $0.cancel() } }
        let secretID = try await engine.createSecret(SecretSpec(name: name, data: Data("x".utf8)))
        defer { Task { try? await engine.removeSecret(secretID) } }

        var connected = 0
        while connected < 12, await seen.next(within: .seconds(30)) != nil { connected += 1 }
        #expect(connected == 12, "every stream was open at once")
        let quick = DockerEngineClient(socketPath: engine.socketPath, timeout: .seconds(20))
        #expect(try await quick.ping(), "a call beside twelve open streams answers")
    }
}
