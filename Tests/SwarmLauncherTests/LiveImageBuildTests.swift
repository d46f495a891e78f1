import DockerEngine
import Foundation
import Supervisor
import SwarmLauncher
import Testing
import TestSupport

/// One image per revision, built through the engine from a release folder.
@Suite(.serialized, .enabled("the private Docker engine runs (Scripts/docker-engine start)") { await SwarmTestBed.engine() != nil })
struct LiveImageBuildTests {
    @Test func aReleaseWithoutADockerfileIsBuiltFromTheBaseImageOnceAndItsServiceRunsTheReleasesFiles() async throws {
        let bed = try await SwarmTestBed(taggingBaseImage: false)
        defer { bed.removeFolder() }
        let release = try bed.release(files: ["hello.txt": "hello from the release\n"])
        let launcher = bed.launcher()
        let request = bed.buildRequest(release: release, command: ["sh", "-c", "echo built > built.txt"])

        #expect(try await launcher.prepareRelease(request) == .built)
        let image = try #require(try await bed.engine.inspectImage("\(bed.repository):\(bed.revision)"))
        #expect(image.labels["urban-robot.revision"] == bed.revision && image.labels["urban-robot.fleet"] == bed.fleet)
        let buildLog = try String(contentsOfFile: request.logPath, encoding: .utf8)
        #expect(buildLog.contains("build \(bed.revision) as image") && buildLog.contains("COPY . /release"), "\(buildLog)")

        let started = ContinuousClock.now
        #expect(try await launcher.prepareRelease(request) == .alreadyBuilt, "a rollback rebuilds nothing")
        #expect(ContinuousClock.now - started < .seconds(2))

        _ = try await launcher.launch(bed.request(client: "shard-0.1", command: ["sh", "-c", "cat hello.txt built.txt"]))
        _ = try #require(await launcher.exits.next(within: .seconds(120)))
        let log = try String(contentsOfFile: bed.logPath("shard-0.1"), encoding: .utf8)
        #expect(log.contains("hello from the release\nbuilt\n"), "\(log)")
    }

    @Test func aFailingBuildStepFailsThePreparationWithTheBuildsOutput() async throws {
        let bed = try await SwarmTestBed(taggingBaseImage: false)
        defer { bed.removeFolder() }
        let release = try bed.release(files: ["bot.py": "print('hi')\n"])
        let request = bed.buildRequest(release: release, command: ["sh", "-c", "echo compiling; echo broken >&2; exit 7"])
        let error = await #expect(throws: SupervisorError.self) { _ = try await bed.launcher().prepareRelease(request) }
        #expect(error?.code == .buildFailed)
        #expect(error?.message.contains("broken") == true && error?.message.contains("7") == true, "\(String(describing: error))")
        #expect(try await bed.engine.inspectImage("\(bed.repository):\(bed.revision)") == nil)
    }

    @Test func aReleasesOwnDockerfileIsUsed() async throws {
        let bed = try await SwarmTestBed(taggingBaseImage: false)
        defer { bed.removeFolder() }
        let release = try bed.release(files: [
            "Dockerfile": "FROM \(PrivateDockerEngine.baseImage)\nWORKDIR /app\nRUN echo own > own.txt\n",
        ])
        let launcher = bed.launcher()
        #expect(try await launcher.prepareRelease(bed.buildRequest(release: release, command: [])) == .built)
        _ = try await launcher.launch(bed.request(client: "shard-0.1", command: ["sh", "-c", "pwd; cat own.txt"]))
        _ = try #require(await launcher.exits.next(within: .seconds(120)))
        let log = try String(contentsOfFile: bed.logPath("shard-0.1"), encoding: .utf8)
        #expect(log.contains("/app\nown\n"), "\(log)")
    }

    @Test func retentionRemovesTheImagesOfRevisionsNotKept() async throws {
        let bed = try await SwarmTestBed(taggingBaseImage: false)
        defer { bed.removeFolder() }
        let launcher = bed.launcher()
        let release = try bed.release(files: ["bot.py": "print('hi')\n"])
        let old = bed.revision
        var request = bed.buildRequest(release: release, command: [])
        #expect(try await launcher.prepareRelease(request) == .built)
        let kept = String(repeating: "b", count: 40)
        request.revision = kept
        #expect(try await launcher.prepareRelease(request) == .built)

        await launcher.retainReleases(keeping: [kept])
        #expect(try await bed.engine.inspectImage("\(bed.repository):\(old)") == nil)
        #expect(try await bed.engine.inspectImage("\(bed.repository):\(kept)") != nil)
        await launcher.retainReleases(keeping: [])
        #expect(try await bed.engine.inspectImage("\(bed.repository):\(kept)") == nil)
    }
}
