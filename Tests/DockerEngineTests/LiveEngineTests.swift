import DockerEngine
import Foundation
import Testing

/// The client against the real engine: a one-replica service with a secret, seen through the events stream, the
/// task list and the container's logs, then removed.
@Suite(.serialized, .enabled("the private Docker engine runs (Scripts/docker-engine start)") { await TestEngine.client() != nil })
struct LiveEngineTests {
    @Test func pingAndVersion() async throws {
        let engine = try #require(await TestEngine.client())
        #expect(try await engine.ping())
        #expect(try await engine.version().apiVersion == DockerEngineClient.apiVersion)
    }

    @Test func missingObjectsAreNilOrIgnored() async throws {
        let engine = try #require(await TestEngine.client())
        #expect(try await engine.inspectImage(TestEngine.baseImage) != nil)
        #expect(try await engine.inspectImage("urban-robot-test-missing:none") == nil)
        #expect(try await engine.inspectService("urban-robot-test-missing") == nil)
        try await engine.removeService("urban-robot-test-missing")
        try await engine.removeSecret("urban-robot-test-missing")
        try await engine.removeImage("urban-robot-test-missing:none")
    }

    @Test func anEngineErrorNamesTheCallAndTheEnginesMessage() async throws {
        let engine = try #require(await TestEngine.client())
        let error = await #expect(throws: DockerEngineError.self) {
            _ = try await engine.createService(ServiceSpec(
                name: "bad name!", labels: [:], container: ContainerSpec(image: TestEngine.baseImage)))
        }
        #expect(error?.call == "POST /services/create" && error?.status == 400)
        #expect(error?.message.contains("name must be valid as a DNS name component") == true, "\(String(describing: error))")
        let unreachable = DockerEngineClient(socketPath: "/nonexistent/docker.sock", timeout: .seconds(2))
        let refused = await #expect(throws: DockerEngineError.self) { _ = try await unreachable.ping() }
        #expect(refused?.status == nil && refused?.description.contains("/nonexistent/docker.sock") == true)
    }

    @Test func aServiceWithASecretRunsItsExitIsAnEventAndItsLogsAreDemultiplexed() async throws {
        let engine = try #require(await TestEngine.client())
        let fleet = "test-\(UUID().uuidString.prefix(8).lowercased())"
        let labels = ["urban-robot.fleet": fleet, "urban-robot.client": "shard-0.1"]
        // From a moment before the service exists: events before the subscription is in place are replayed.
        let events = engine.events(
            filters: ["type": ["container"], "label": ["urban-robot.fleet=\(fleet)"]], since: Date().addingTimeInterval(-1))

        let secretName = "\(fleet)-shard-0.1-key"
        let secret = try await engine.createSecret(SecretSpec(name: secretName, data: Data("k3y".utf8), labels: labels))
        let service = try await engine.createService(ServiceSpec(
            name: "\(fleet)-shard-0-1", labels: labels,
            container: ContainerSpec(
                image: TestEngine.baseImage,
                command: ["sh", "-c", "echo out; echo err >&2; cat /run/secrets/key; exit 3"],
                labels: labels, secrets: [SecretReference(id: secret, name: secretName, fileName: "key")])))

        let die = try await firstEvent(in: events, within: .seconds(180)) { $0.action == "die" }
        #expect(die.exitCode == 3 && die.actor.attributes["urban-robot.client"] == "shard-0.1")

        let tasks = try await engine.tasks(label: "urban-robot.fleet=\(fleet)")
        let task = try #require(tasks.first)
        #expect(tasks.count == 1 && task.serviceID == service && task.nodeID != nil)
        #expect(task.status.containerStatus?.containerID == die.actor.id)

        var output: [MultiplexedStreamDecoder.Frame.Stream: String] = [:]
        for try await frame in engine.logs(container: die.actor.id, follow: false) {
            output[frame.stream, default: ""] += String(decoding: frame.payload, as: UTF8.self)
        }
        #expect(output == [.stdout: "out\nk3y", .stderr: "err\n"])

        #expect(try await engine.inspectService(service)?.spec.labels == labels)
        #expect(try await engine.services(label: "urban-robot.fleet=\(fleet)").map(\.id) == [service])
        try await engine.removeService(service)
        try await engine.removeSecret(secret)
        #expect(try await engine.inspectService(service) == nil)
    }

    /// The first event matching `predicate`, or a failure after `timeout`.
    private func firstEvent(
        in events: AsyncThrowingStream<EngineEvent, any Error>, within timeout: Duration,
        _ predicate: @escaping @Sendable (EngineEvent) -> Bool
    ) async throws -> EngineEvent {
        try await withThrowingTaskGroup(of: EngineEvent?.self) { group in
            group.addTask {
                for try await event in events where predicate(event) { return event }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return try #require(first, "no matching event within \(timeout)")
        }
    }
}
