import Deployer
import Logging
import ServiceLifecycle
import Supervisor

/// Reports every exit of a launched or adopted process to the engine, and forgets its launch record.
struct ExitWatcher: Service {
    let launcher: LocalProcessLauncher
    let processes: RunningProcesses
    let driver: DriverReference
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            for await exit in launcher.exits {
                let client = ClientID(rawValue: exit.record.clientID)
                logger.info("process exited", metadata: ["client": "\(client)", "status": "\(exit.status)"])
                do {
                    try processes.remove(client)
                    _ = try await driver.submit(.exited(client, DaemonEffects.engineExit(exit.status)))
                } catch {
                    logger.error("could not record an exit", metadata: ["client": "\(client)", "error": "\(error)"])
                }
            }
        }
    }
}
