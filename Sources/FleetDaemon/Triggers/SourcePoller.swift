import AdminAPI
import Deployer
import FleetTypes
public import Logging
public import ServiceLifecycle

/// `source.poll`: every `interval`, fetches the configured branch's tip and asks for a `poll`
/// deployment of a new one (see ``SourcePollState``). A `Service`; ends on graceful shutdown.
public struct SourcePoller: Service {
    private let control: any DaemonControl
    private let interval: Duration
    private let logger: Logger

    /// A poller asking `control` every `interval` (more than zero).
    public init(control: any DaemonControl, interval: Duration, logger: Logger) {
        precondition(interval > .zero, "a poll interval must be more than zero")
        self.control = control
        self.interval = interval
        self.logger = logger
    }

    /// Polls until graceful shutdown or cancellation.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.poll() }
        } catch is CancellationError {
            return
        }
    }

    private func poll() async throws {
        var state = SourcePollState()
        while true {
            try await Task.sleep(for: interval)
            await pollOnce(&state)
        }
    }

    /// One round: fetch, decide, request; errors are logged and the next round retries.
    func pollOnce(_ state: inout SourcePollState) async {
        let tip: String
        do {
            tip = try await control.fetchBranchTip()
        } catch {
            logger.error("poll: cannot fetch the branch tip; retrying in \(interval)", metadata: ["error": "\(error)"])
            return
        }
        guard case .deploy(let revision) = state.tipFetched(tip, status: await control.status()) else { return }
        do {
            let id = try await control.requestDeployment(.init(ref: revision, trigger: .poll, who: "poll"))
            state.requested(revision)
            logger.info("poll: new tip \(revision.prefix(12)): deployment \(id)")
        } catch let error as DaemonControlError where error.code == .refused {
            if state.refused(revision) {
                logger.warning("poll: the daemon refused tip \(revision.prefix(12)): \(error.message)")
            }
        } catch {
            logger.error("poll: cannot request a deployment of \(revision.prefix(12)); retrying in \(interval)",
                         metadata: ["error": "\(error)"])
        }
    }
}
