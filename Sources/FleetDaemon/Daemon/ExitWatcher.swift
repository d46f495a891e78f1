import Deployer
import FleetTypes
import Logging
import ServiceLifecycle
import Supervisor

/// Reports every exit of a launched or adopted client to the engine, and forgets its launch record and issued key.
///
/// The exits that are ready together go to the engine together (``DeployerDriver/submit(contentsOf:)``: one step
/// and one transaction), and their launch records are removed afterwards by a task of their own, in one transaction
/// per batch, so an exit never waits behind the exits before it one by one, nor behind the removal of their records.
///
/// Its tasks run off the cooperative pool: an exit took three turns of the pool to reach the engine, and in a
/// 200-shard rollout, with the pool busy with the channel's traffic, that made it hundreds of milliseconds late.
/// The exits are collected on a thread of their own (``collector``): the launcher's stream hands out one exit per
/// turn of its consumer, and on the driver's thread each turn waited behind the driver's queued steps, so the 200
/// standbys a rollout stops came out in batches of two or three, the last 30-40 ms after its death. The reports
/// run on the driver's thread (``DeployerDriver/taskExecutor``). The exits' log lines are written once the engine has
/// them, with the removal of their launch records, off both threads: before the report, on the driver's thread, a
/// stop wave's 200 lines held its steps back, and on the collector's they held the next exits back.
struct ExitWatcher: Service {
    let launcher: any ProcessLauncher
    let processes: RunningProcesses
    let driver: DriverReference
    /// Where the reports run: the driver's thread.
    let executor: any TaskExecutor
    /// Where the launcher's exits are collected into batches: a thread of their own.
    let collector = ThreadExecutor(name: "urban-exits")
    let channel: BotChannel
    let logger: Logger

    func run() async {
        let batches = ReadyBatches<Supervisor.ProcessExit>()
        let (reported, reporting) = AsyncStream.makeStream(of: [Supervisor.ProcessExit].self)
        await withTaskExecutorPreference(executor) {
            await cancelWhenGracefulShutdown {
                await withDiscardingTaskGroup { group in
                    group.addTask(executorPreference: collector) {
                        for await exit in launcher.exits { batches.add(exit) }
                        batches.finish()
                    }
                    group.addTask {
                        await batches.forEach {
                            await report($0)
                            reporting.yield($0)
                        }
                        reporting.finish()
                    }
                    group.addTask(executorPreference: globalConcurrentExecutor) {
                        for await exits in reported {
                            for exit in exits {
                                logger.info("process exited", metadata: ["client": "\(exit.record.clientID)", "status": "\(exit.status)"])
                            }
                            await forget(exits.map { ClientID(rawValue: $0.record.clientID) })
                        }
                    }
                }
            }
        }
    }

    /// Tells the engine of the exits.
    private func report(_ exits: [Supervisor.ProcessExit]) async {
        let clients = exits.map { ClientID(rawValue: $0.record.clientID) }
        // The engine hears of the exits even when the launch records cannot be removed (a full disk): a record
        // left behind names a process that is gone, which the next start forgets.
        do {
            _ = try await driver.submit(contentsOf: zip(clients, exits).map { client, exit in
                .exited(client, exit.status)
            })
        } catch {
            logger.error("could not record exits", metadata: ["clients": "\(clients)", "error": "\(error)"])
        }
        channel.forgetIssuedKeys(of: clients)
    }

    /// Forgets the launch records of clients that exited.
    private func forget(_ clients: [ClientID]) async {
        do {
            try await processes.remove(clients)
        } catch {
            logger.error("could not forget the launch records of exited processes", metadata: ["clients": "\(clients)", "error": "\(error)"])
        }
    }
}
