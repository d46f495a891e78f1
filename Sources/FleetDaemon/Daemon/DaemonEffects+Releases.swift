import AdminAPI
import Deployer
import FleetConfiguration
import FleetTypes
import Foundation
import GitStore
import Logging
import Supervisor

extension DaemonEffects {
    /// Fetch, resolve, check out, then what the launcher does with a release (the swarm launcher builds its image),
    /// else build when `bot.build` is set; reports `releasePrepared`.
    func prepareRelease(deployment: Int, ref: String) async {
        let result: ReleaseResult
        do {
            result = .prepared(try await prepare(ref, deployment: deployment))
        } catch {
            logger.error("release step failed", metadata: ["ref": "\(ref)", "error": "\(error)"])
            result = .failed("\(error)")
        }
        await submit(.releasePrepared(deployment: deployment, result: result))
    }

    /// The release of `ref`, built; the build's output goes to the followers of `deployment` as it comes.
    private func prepare(_ ref: String, deployment: Int) async throws -> Revision {
        let releases = parts.releases
        _ = try await releases.fetch(revision: ref)
        let commit = try await releases.resolve(ref)
        let release = try await releases.checkout(commit.id)
        let build = parts.configuration.bot.build
        let state = parts.configuration.state.directory
        try FileManager.default.createDirectory(
            atPath: "\(state)/logs/build", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let request = BuildRequest(
            command: build, releaseDirectory: release.directory,
            environment: try parts.environment.make(configured: parts.configuration.bot.environment, identity: nil),
            revision: commit.id.rawValue, logPath: "\(state)/logs/build/\(commit.id).log", timeout: .seconds(600),
            killGrace: parts.configuration.rollout.killGrace)
        let progress = parts.progress
        let feed = BuildOutputFeed(logPath: request.logPath) { line in
            progress.publishLive(ProgressEvent(
                time: Date(), deployment: deployment, kind: ProgressEvent.buildOutputKind,
                detail: ["line": line, "revision": commit.id.rawValue], message: "build: \(line)"))
        }
        try await feed.following {
            if try await parts.launcher.prepareRelease(request) == nil, !build.isEmpty {
                _ = try await ReleaseBuilder().build(request)
            }
        }
        return commit.id
    }

    /// Makes the good tag of deployment `deployment` (the release store names it) and tells the engine its name.
    /// When that fails (or only its push did), the engine is told the repository's good tags as they are.
    func tagGood(_ revision: Revision, deployment: Int) async {
        do {
            let made = try await parts.releases.markGood(revision, deployment: "\(deployment)", health: "passed its rollout")
            await submit(.taggedGood(made.goodTag))
        } catch {
            logger.error("good tag failed", metadata: ["revision": "\(revision)", "error": "\(error)"])
            if let tags = try? await goodTags() { await submit(.goodTagsChanged(tags)) }
        }
    }

    /// The repository's good tags for the engine, newest first.
    func goodTags() async throws -> [GoodTag] {
        try await parts.releases.goodTags().map(\.goodTag)
    }

    /// Marks a revision bad in the mirror too.
    func markBad(_ revision: Revision, reason: String) async {
        do {
            _ = try await parts.releases.markBad(revision, reason: reason)
        } catch {
            logger.error("bad mark failed", metadata: ["revision": "\(revision)", "error": "\(error)"])
        }
    }

    /// Removes the mirror's bad mark of a revision whose deployment succeeded (the engine already forgot it).
    func unmarkBad(_ revision: Revision, deployment: Int) async {
        do {
            let wasMarked = try await parts.releases.unmarkBad(revision)
            logger.info("revision \(revision) is no longer marked bad (deployment #\(deployment) succeeded)",
                        metadata: ["mirror_ref_removed": "\(wasMarked)"])
        } catch {
            logger.error("bad mark removal failed", metadata: ["revision": "\(revision)", "error": "\(error)"])
        }
    }

    /// Removes old releases, never one the engine protects, and what the launcher keeps of them (images) and the
    /// logs of their launches and builds, never those of a release kept or of a revision a client runs.
    func retainReleases(keep: Set<Revision>) async {
        do {
            try await parts.releases.removeOldReleases(protecting: keep)
        } catch {
            logger.error("release retention failed", metadata: ["error": "\(error)"])
        }
        let running = parts.processes.all()
        let kept = Set(parts.releases.releases().map(\.id)).union(keep.map(\.rawValue))
            .union(running.map(\.process.record.revision))
        await parts.launcher.retainReleases(keeping: kept)
        await retainLogs(keeping: kept, runningClients: Set(running.map(\.client.rawValue)))
    }

    /// Removes the launch and build logs of the revisions not in `kept` (``LaunchLogRetention``) on a utility
    /// queue: at 200 shards some thousands of files, not work for the cooperative pool's threads.
    private func retainLogs(keeping kept: Set<String>, runningClients: Set<String>) async {
        let removed = await withCheckedContinuation { [logRetention] continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(
                    returning: logRetention.removeLogs(keepingRevisions: kept, runningClients: runningClients)
                )
            }
        }
        if !removed.isEmpty {
            logger.info("removed \(removed.count) log file(s) of releases no longer kept")
        }
    }
}
