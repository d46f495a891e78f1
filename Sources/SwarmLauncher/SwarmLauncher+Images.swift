import DockerEngine
import FleetTypes
import Foundation
public import Supervisor

extension SwarmLauncher {
    /// Builds the revision's image, `REPOSITORY:<full sha>`, through the engine's build endpoint from the release
    /// folder: with the repository's own `Dockerfile` when it has one, else a generated one (``dockerfile(build:)``);
    /// labelled with the fleet and the revision; pushed when a registry is set. The engine's output goes to the
    /// build log (`request.logPath`). An image that is already there is not built again (a rollback rebuilds
    /// nothing).
    /// - Throws: ``SupervisorError`` `buildFailed` (or `buildTimedOut`) with the engine's message and the log's tail.
    public func prepareRelease(_ request: BuildRequest) async throws(SupervisorError) -> BuildResult? {
        let image = settings.image(of: request.revision)
        if let existing = try? await engine.inspectImage(image), existing.labels[ServiceNaming.revisionLabel] == request.revision {
            return .alreadyBuilt
        }
        let log = try ForwardedLog(
            policy: LogPolicy(path: request.logPath, maxBytes: request.maxLogBytes, keptRotations: 1),
            header: ForwardedLog.header("build \(request.revision) as image \(image) from \(request.releaseDirectory)"))
        defer { log.close() }
        let ownDockerfile = FileManager.default.fileExists(atPath: request.releaseDirectory + "/Dockerfile")
        let dockerfileName = ownDockerfile ? "Dockerfile" : Self.generatedDockerfileName
        let extra = ownDockerfile ? [:] : [Self.generatedDockerfileName: Data(dockerfile(build: request.command).utf8)]
        let failure = { (code: SupervisorError.Code, what: String) in
            SupervisorError(code, "image build of \(request.revision) (\(image)) \(what); the end of \(request.logPath):\n\(log.tail())")
        }
        let context: Data
        do {
            context = try await Self.archive(request.releaseDirectory, extra: extra)
        } catch {
            throw failure(.buildFailed, "could not read the release folder: \(error)")
        }
        let labels = [ServiceNaming.fleetLabel: settings.fleet, ServiceNaming.revisionLabel: request.revision]
        let progress = engine.buildImage(context: context, tag: image, dockerfile: dockerfileName, labels: labels)
        let outcome = await Self.consume(progress, within: request.timeout) { log.write(Array(($0.stream ?? "").utf8)) }
        switch outcome {
        case .finished: break
        case .failed(let error): throw failure(.buildFailed, "failed: \(error)")
        case .timedOut: throw failure(.buildTimedOut, "did not finish within \(request.timeout)")
        }
        if let registry = settings.registry {
            let pushed = await Self.consume(engine.pushImage(settings.repository, tag: request.revision), within: request.timeout) {
                log.write(Array(($0.status.map { $0 + "\n" } ?? "").utf8))
            }
            guard case .finished = pushed else {
                throw failure(.buildFailed, "was built but could not be pushed to \(registry) (\(pushed))")
            }
        }
        return .built
    }

    /// Removes the fleet's images of every revision not in `revisions`; an image a container still uses is kept
    /// (the engine refuses to remove it).
    public func retainReleases(keeping revisions: Set<String>) async {
        guard let images = try? await engine.images(label: "\(ServiceNaming.fleetLabel)=\(settings.fleet)") else { return }
        for image in images {
            guard let revision = image.labels[ServiceNaming.revisionLabel], !revisions.contains(revision) else { continue }
            try? await engine.removeImage(settings.image(of: revision))
        }
    }

    /// The Dockerfile of a repository without one: the base image, the release copied to `/release`, `bot.build`
    /// run there, `bot.command` as the entry point.
    func dockerfile(build: [String]) -> String {
        var lines = ["FROM \(settings.baseImage)", "COPY . /release", "WORKDIR /release"]
        if !build.isEmpty { lines.append("RUN \(JSONStringText.array(build))") }
        lines.append("ENTRYPOINT \(JSONStringText.array(settings.entryPoint))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The generated Dockerfile's name in the build context (never one of the release's files).
    static let generatedDockerfileName = ".urban-robot.Dockerfile"

    /// The build context, read off the cooperative pool (it reads every file of the release).
    private static func archive(_ folder: String, extra: [String: Data]) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try BuildContext.tar(folder: folder, extra: extra) })
            }
        }
    }

    /// How a stream of the engine's progress ended.
    enum StreamOutcome: Sendable, CustomStringConvertible {
        case finished
        case failed(any Error)
        case timedOut

        var description: String {
            switch self {
            case .finished: "finished"
            case .failed(let error): "\(error)"
            case .timedOut: "timed out"
            }
        }
    }

    /// Reads `stream` to its end, handing each element to `each`, for at most `timeout`.
    static func consume<Element: Sendable>(
        _ stream: AsyncThrowingStream<Element, any Error>, within timeout: Duration, _ each: @escaping @Sendable (Element) -> Void
    ) async -> StreamOutcome {
        await withTaskGroup(of: StreamOutcome.self) { group in
            group.addTask {
                do {
                    for try await element in stream { each(element) }
                    return .finished
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
    }
}
