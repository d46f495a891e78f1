#if canImport(Glibc)
import Glibc
#endif
import FleetTypes
import Foundation

/// Runs a release's optional `bot.build` command once per release folder.
///
/// "Once" is kept with a marker file in the release folder,
/// ``markerName``, written after a successful build and holding the build
/// argv: a release with a marker for the same argv is not built again; a
/// changed `bot.build` builds again. A failed build leaves no marker.
/// Whatever the build leaves running in its process group is killed.
///
/// ```swift
/// let builder = ReleaseBuilder()
/// let result = try await builder.build(BuildRequest(
///     command: ["pip", "install", "-r", "requirements.txt", "--target", ".deps"],
///     releaseDirectory: "\(state)/releases/\(sha)", environment: environment,
///     revision: sha, logPath: "\(state)/logs/build/\(sha).log", timeout: .seconds(600)))
/// ```
public struct ReleaseBuilder: Sendable {
    /// The marker file's name inside the release folder.
    public static let markerName = ".urban-robot-built"

    private let launcher = LocalProcessLauncher()

    /// Creates a builder.
    public init() {}

    /// Builds the release unless its marker says it is built with this command.
    /// - Returns: `.alreadyBuilt` or `.built`.
    /// - Throws: ``SupervisorError`` with code `buildFailed` or `buildTimedOut`,
    ///   whose message ends with the tail of the build log; or a launch error.
    public func build(_ request: BuildRequest) async throws(SupervisorError) -> BuildResult {
        let marker = request.releaseDirectory + "/" + Self.markerName
        let expected = Self.markerContent(request.command)
        if let existing = try? String(contentsOfFile: marker, encoding: .utf8), existing == expected {
            return .alreadyBuilt
        }
        let log = LogPolicy(path: request.logPath, maxBytes: request.maxLogBytes, keptRotations: 1)
        let process = try await launcher.launch(
            LaunchRequest(
                command: request.command, workingDirectory: request.releaseDirectory,
                environment: request.environment, clientID: "build", revision: request.revision, log: log),
            reportingExit: false)
        guard let exit = await process.waitForExit(within: request.timeout) else {
            let outcome = await process.stop(timing: StopTiming(stopGrace: .zero, killGrace: request.killGrace))
            throw SupervisorError(
                .buildTimedOut,
                "build \(request.command) of \(request.revision) did not finish within \(request.timeout) and was stopped "
                    + "(\(outcome)); the end of \(request.logPath):\n\(LogFile(policy: log).tail())")
        }
        process.signalGroup(SIGKILL)
        guard exit.status.isSuccess else {
            throw SupervisorError(
                .buildFailed,
                "build \(request.command) of \(request.revision) failed with \(exit.status); "
                    + "the end of \(request.logPath):\n\(LogFile(policy: log).tail())")
        }
        do {
            try expected.write(toFile: marker, atomically: true, encoding: .utf8)
        } catch {
            throw SupervisorError(.logFailed, "cannot write the build marker \(marker); check the release folder's permissions")
        }
        return .built
    }

    static func markerContent(_ command: [String]) -> String {
        JSONStringText.array(command) + "\n"
    }
}
