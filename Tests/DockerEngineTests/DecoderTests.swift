import DockerEngine
import Foundation
import Testing

/// The typed answers decode real answers of the engine, and the stream decoders take bytes in pieces of any size.
@Suite struct DecoderTests {
    @Test func versionNamesTheAPIVersion() throws {
        let version = try JSONDecoder().decode(EngineVersion.self, from: Recorded.data("version.json"))
        #expect(version.version == "20.10.24+dfsg1" && version.apiVersion == "1.41")
        #expect(version.minAPIVersion == "1.12" && version.os == "linux")
    }

    @Test func aFailedTaskCarriesItsNodeContainerAndExitCode() throws {
        let tasks = try JSONDecoder().decode([SwarmTask].self, from: Recorded.data("tasks.json"))
        let task = try #require(tasks.first)
        #expect(tasks.count == 1)
        #expect(task.serviceID == "8w9vyfxcchi94aexmqkqms47c" && task.nodeID == "yv0377uxo5ca4dp410n55368j")
        #expect(task.status.state == "failed" && task.status.isFinal && task.desiredState == "shutdown")
        #expect(task.status.err == "task: non-zero exit (3)")
        #expect(task.status.containerStatus?.exitCode == 3)
        #expect(task.status.containerStatus?.containerID == "c4f102f6d0dd32be9d0e5efbf9d6cb4c3a066877a986253ec0924f7f49f3b8a4")
    }

    @Test func anInspectedServiceGivesBackTheSpecItWasCreatedWith() throws {
        let service = try JSONDecoder().decode(ServiceInfo.self, from: Recorded.data("service-inspect.json"))
        #expect(service.id == "8w9vyfxcchi94aexmqkqms47c")
        #expect(service.spec.name == "rec-shard-0-1")
        #expect(service.spec.labels == ["urban-robot.fleet": "rec", "urban-robot.client": "shard-0.1"])
        let container = service.spec.taskTemplate.containerSpec
        #expect(container.image == "urban-robot-base:bookworm")
        #expect(container.secrets == [SecretReference(id: "9kx47705jlvd7htqmbafhv92p", name: "rec-key", fileName: "key")])
        #expect(service.spec.taskTemplate.restartPolicy?.condition == "none")
        #expect(service.spec.mode.replicated?.replicas == 1)
    }

    @Test func aSpecEncodesWithTheEngineKeys() throws {
        let spec = ServiceSpec(
            name: "fleet-shard-0-7", labels: ["urban-robot.fleet": "fleet"],
            container: ContainerSpec(image: "bot:abc", command: ["python3", "bot.py"], env: ["A=1"],
                                     secrets: [SecretReference(id: "s1", name: "key-7", fileName: "key")]))
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(spec)) as? [String: Any])
        #expect(Set(object.keys) == ["Name", "Labels", "TaskTemplate", "Mode"])
        let template = try #require(object["TaskTemplate"] as? [String: Any])
        #expect((template["RestartPolicy"] as? [String: String]) == ["Condition": "none"])
        #expect((template["Networks"] as? [[String: String]]) == [["Target": "host"]])
        let container = try #require(template["ContainerSpec"] as? [String: Any])
        #expect(container["Image"] as? String == "bot:abc" && container["Env"] as? [String] == ["A=1"])
        let file = try #require(((container["Secrets"] as? [[String: Any]])?.first?["File"]) as? [String: Any])
        #expect(file["Mode"] as? Int == 0o400 && file["Name"] as? String == "key")
        #expect(try JSONDecoder().decode(ServiceSpec.self, from: JSONEncoder().encode(spec)) == spec)
    }

    @Test func anImageAnswerGivesItsTagsAndSize() throws {
        let image = try JSONDecoder().decode(ImageInfo.self, from: Recorded.data("image-inspect.json"))
        #expect(image.id.hasPrefix("sha256:") && image.repoTags == ["urban-robot-base:bookworm"])
        #expect(image.size > 100_000_000 && image.labels.isEmpty)
    }

    @Test func eventsSplitFromPiecesOfAnySizeDecodeWithTheirLabelsAndExitCode() throws {
        let bytes = Array(try Recorded.data("events.jsonl"))
        var splitter = JSONLineSplitter()
        var lines: [[UInt8]] = []
        for start in stride(from: 0, to: bytes.count, by: 7) {
            lines += splitter.feed(bytes[start..<min(start + 7, bytes.count)])
        }
        #expect(splitter.finish() == nil)
        let events = try lines.map { try JSONDecoder().decode(EngineEvent.self, from: Data($0)) }
        #expect(events.count == 7 && events.allSatisfy { $0.type == "container" })
        let die = try #require(events.first { $0.action == "die" })
        #expect(die.exitCode == 3 && die.actor.attributes["urban-robot.client"] == "shard-0.1")
        #expect(die.actor.id == "c4f102f6d0dd32be9d0e5efbf9d6cb4c3a066877a986253ec0924f7f49f3b8a4")
        #expect(events.first { $0.action == "start" }?.exitCode == nil)
    }

    @Test func aLastLineWithoutNewlineIsGivenAtTheEnd() {
        var splitter = JSONLineSplitter()
        #expect(splitter.feed(Array("{\"a\":1}\n\n{\"b\"".utf8)) == [Array("{\"a\":1}".utf8)])
        #expect(splitter.feed(Array(":2}".utf8)).isEmpty)
        #expect(splitter.finish() == Array("{\"b\":2}".utf8))
    }

    @Test func containerLogsDemultiplexByteByByte() throws {
        var decoder = MultiplexedStreamDecoder()
        var frames: [MultiplexedStreamDecoder.Frame] = []
        for byte in try Recorded.data("container-logs.bin") { frames += try decoder.feed([byte]) }
        #expect(decoder.isEmpty)
        #expect(frames == [
            .init(stream: .stdout, payload: Array("out\n".utf8)),
            .init(stream: .stderr, payload: Array("err\n".utf8)),
            .init(stream: .stdout, payload: Array("secret".utf8)),
        ])
    }

    @Test func rawBytesAreNotTakenForAMultiplexedStream() {
        var decoder = MultiplexedStreamDecoder()
        let error = #expect(throws: MultiplexedStreamDecoder.InvalidHeader.self) {
            try decoder.feed(Array("hello, a TTY\n".utf8))
        }
        #expect(error?.streamByte == UInt8(ascii: "h"))
    }
}
