import Deployer
import Logging
import ServiceLifecycle
import Supervisor

/// Stops every bot when the daemon shuts down gracefully, for `[bot] stop_with_daemon = true`.
///
/// It is shut down after the jobs in flight settled (``DaemonWork``), the exit watcher and the driver's ticks have
/// stopped, and before the channel closes: it detaches the engine (the bots' goodbyes, disconnects and exits no
/// longer reach it, so nothing is restarted, counted as a crash or rolled back), then stops every process the
/// daemon launched or adopted at once, each through the normal stop path (`cmd shutdown`, `stop_grace`, SIGTERM to
/// its group, `kill_grace`, SIGKILL), and waits for them. Their launch records stay in `state.sqlite`: the next
/// daemon finds those processes gone, reports them to the engine as exited, and the engine starts each instance
/// again on the revision its active ran.
struct FleetShutdown: Service {
    let processes: RunningProcesses
    let channel: BotChannel
    let driver: DriverReference
    let timing: StopTiming
    let logger: Logger

    func run() async {
        // A cancelled group (a failed service) leaves the bots to their parent-death signal.
        do { try await gracefulShutdown() } catch { return }
        driver.detach()
        let fleet = processes.all()
        logger.info("stopping the bots with the daemon", metadata: ["count": "\(fleet.count)"])
        await withDiscardingTaskGroup { group in
            for (client, process) in fleet {
                group.addTask { [channel, timing, logger] in
                    let outcome = await process.stop(timing: timing) {
                        channel.send(.shutdown(reason: "daemon stopping"), to: client)
                    }
                    logger.info("stopped", metadata: ["client": "\(client)", "outcome": "\(outcome)"])
                }
            }
        }
    }
}
