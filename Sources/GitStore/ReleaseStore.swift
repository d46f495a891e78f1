import Foundation

/// The release store of one bot: a bare mirror of its source, its releases, and its good and bad marks.
///
/// One `ReleaseStore` per state directory. Every libgit2 call runs on `NIOThreadPool.singleton` inside
/// one synchronous closure that opens, uses and frees its own handles. Work that writes the mirror
/// (fetch, tags, bad marks, push) or reads references runs one closure at a time (this actor's lane);
/// checkouts only read objects and run outside the lane, so different revisions check out in parallel,
/// while concurrent requests for the same revision share one checkout.
///
/// ```swift
/// let store = try await ReleaseStore(configuration: .init(
///     stateDirectory: "/var/lib/urban-robot",
///     sourceURL: "/srv/git/mybot.git",
///     branch: "main"))
/// _ = try await store.fetch { progress in print("\(progress.receivedObjects)/\(progress.totalObjects)") }
/// let revision = try await store.resolve("main")
/// let release = try await store.checkout(revision.id)        // <state>/releases/<id>/
/// // ... the rollout succeeds:
/// let tag = try await store.markGood(revision.id, deployment: "d-42", health: "8/8 cogs")
/// let rollbackTarget = try await store.goodTags().first { $0.revision != revision.id }   // newest first
/// try await store.removeOldReleases(protecting: [revision.id])
/// ```
///
/// Every method throws ``GitStoreError``.
public actor ReleaseStore {
    /// The configuration the store was opened with.
    public nonisolated let configuration: Configuration
    let layout: ReleaseLayout
    private var laneBusy = false
    private var laneWaiters: [CheckedContinuation<Void, Never>] = []
    /// Checkouts in progress by full id, with the callers waiting for each one's result.
    var checkoutsInFlight: [String: [CheckedContinuation<Result<Release, GitStoreError>, Never>]] = [:]
    /// Temporary folders of the checkouts in progress, which no cleanup may remove.
    var temporaryFoldersInUse: Set<String> = []
    /// How many checkouts this store performed (not counting reused releases and shared requests),
    /// for metrics.
    public internal(set) var checkoutsPerformed = 0
    /// The source's references the last fetch took that name no commit (full name → what they name),
    /// so that ``resolve(_:)`` can say why such a name does not resolve.
    var sourceReferencesNamingNoCommit: [String: String] = [:]
    /// The mirror's references the last fetch left, known to name a commit: the next fetch reads only the others.
    var checkedReferences = CheckedReferences()

    /// Opens the store, creating the state directory, the bare mirror and `releases/` when missing,
    /// and removing temporary folders left by interrupted checkouts.
    /// - Throws: ``GitStoreError`` (`.repository`, `.fileSystem`).
    public init(configuration: Configuration) async throws(GitStoreError) {
        self.configuration = configuration
        let layout = ReleaseLayout(stateDirectory: configuration.stateDirectory)
        self.layout = layout
        let branch = configuration.branch
        try await LibGit2.runOnThreadPool("opening the release store") {
            do {
                try FileManager.default.createDirectory(
                    atPath: layout.releasesPath, withIntermediateDirectories: true)
            } catch {
                throw GitStoreError(
                    .fileSystem, operation: "opening the release store", input: layout.releasesPath,
                    detail: "the releases folder could not be created; check state.dir", cause: error)
            }
            try GitRepositoryHandle.createOrOpen(at: layout.repositoryPath, branch: branch)
            for path in layout.leftoverTemporaryFolders(excluding: []) {
                try layout.remove(path, operation: "removing an interrupted checkout")
            }
        }
    }

    /// The path of the bare mirror, `<state>/repo.git`.
    public nonisolated var repositoryPath: String { layout.repositoryPath }

    /// The path of the releases folder, `<state>/releases`.
    public nonisolated var releasesPath: String { layout.releasesPath }

    /// Runs `body` with an open mirror on the thread pool, after every earlier lane closure finished.
    func withRepository<Result: Sendable>(
        _ operation: String,
        _ body: @escaping @Sendable (GitRepositoryHandle) throws -> Result
    ) async throws(GitStoreError) -> Result {
        await enterLane()
        defer { leaveLane() }
        let path = layout.repositoryPath
        return try await LibGit2.runOnThreadPool(operation) {
            try GitRepositoryHandle.withRepository(at: path, operation: operation, body)
        }
    }

    private func enterLane() async {
        guard laneBusy else {
            laneBusy = true
            return
        }
        await withCheckedContinuation { laneWaiters.append($0) }
    }

    private func leaveLane() {
        if laneWaiters.isEmpty {
            laneBusy = false
        } else {
            laneWaiters.removeFirst().resume()
        }
    }
}
