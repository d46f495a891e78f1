import ServiceLifecycle

/// The daemon's long-running jobs (launches, stops, release steps, tags): each runs as a child task of this
/// service, so the daemon owns it. On graceful shutdown no new job starts and the jobs in flight finish (the
/// step in flight settles); the bots are left running.
final class DaemonWork: Service, Sendable {
    typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    init() {
        (jobs, continuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Queues a job; it starts at once while the service runs.
    func start(_ job: @escaping Job) {
        continuation.yield(job)
    }

    func run() async {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await job in jobs {
                    group.addTask { await job() }
                }
            }
        } onGracefulShutdown: { [continuation] in
            continuation.finish()
        }
    }
}
