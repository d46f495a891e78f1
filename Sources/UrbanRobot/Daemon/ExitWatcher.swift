import Deployer
import Logging
import ServiceLifecycle
import Supervisor

/// Reports every exit of a launched or adopted client to the engine, and forgets its launch record.
struct ExitWatcher: Service {
    let launcher: any ProcessLauncher
    let processes: RunningProcesses
    let driver: DriverReference
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            for await exit in launcher.exits {
                let client = ClientID(rawValue: exit.record.clientID)
                logger.info("process exited", metadata: ["client": "\(client)", "status": "\(exit.status)"])
                // The engine hears of the exit even when the launch record cannot be removed (a full disk): a record
                // left behind names a process that is gone, which the next start forgets.
                do {
                    _ = try await driver.submit(.exited(client, exit.status))
                } catch {
                    logger.error("could not record an exit", metadata: ["client": "\(client)", "error": "\(error)"])
                }
                do {
                    try processes.remove(client)
                } catch {
                    logger.error("could not forget the launch record of an exited process", metadata: ["client": "\(client)", "error": "\(error)"])
                }
            }
        }
    }
}
