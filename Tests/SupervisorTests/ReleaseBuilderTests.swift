import Foundation
import Testing
@testable import Supervisor

@Suite(.serialized) struct ReleaseBuilderTests {
    func buildRequest(_ command: [String], in scratch: Scratch, timeout: Duration = .seconds(60)) throws -> BuildRequest {
        BuildRequest(
            command: command, releaseDirectory: scratch.path, environment: try plainEnvironment(),
            revision: "abc123", logPath: scratch.file("logs/build/abc123.log"), timeout: timeout,
            killGrace: .seconds(10))
    }

    @Test func buildsOncePerReleaseAndAgainWhenTheCommandChanges() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let builder = ReleaseBuilder()
        let command = ["sh", "-c", "echo built >> count.txt"]
        #expect(try await builder.build(buildRequest(command, in: scratch)) == .built)
        #expect(try await builder.build(buildRequest(command, in: scratch)) == .alreadyBuilt)
        #expect(scratch.read("count.txt") == "built\n")
        #expect(scratch.read(ReleaseBuilder.markerName) == "[\"sh\",\"-c\",\"echo built >> count.txt\"]\n")

        let changed = ["sh", "-c", "echo built >> count.txt; echo again"]
        #expect(try await builder.build(buildRequest(changed, in: scratch)) == .built)
        #expect(scratch.read("count.txt") == "built\nbuilt\n")
        #expect(scratch.read("logs/build/abc123.log").contains("again\n"))
    }

    @Test func aFailedBuildReportsTheTailOfItsLogAndLeavesNoMarker() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let error = try await #require(throws: SupervisorError.self) {
            try await ReleaseBuilder().build(
                buildRequest(["sh", "-c", "echo collecting; echo 'No matching distribution' >&2; exit 2"], in: scratch))
        }
        #expect(error.code == .buildFailed)
        #expect(error.message.contains("exit code 2"))
        #expect(error.message.hasSuffix("collecting\nNo matching distribution\n"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file(ReleaseBuilder.markerName)))
    }

    @Test func aBuildThatRunsTooLongIsStopped() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let error = try await #require(throws: SupervisorError.self) {
            try await ReleaseBuilder().build(
                buildRequest(["sh", "-c", "echo compiling; exec sleep 1000"], in: scratch, timeout: .seconds(2)))
        }
        #expect(error.code == .buildTimedOut)
        #expect(error.message.contains("exited after SIGTERM"))
        #expect(error.message.hasSuffix("compiling\n"))
    }
}
