import Deployer
import FleetConfiguration
import FleetTypes
import Foundation
import GitStore
import Logging
import Supervisor
import Synchronization

extension DaemonEffects {
    /// Launches and records one client (the engine paced it: `max_concurrency` per `identify_spacing`); reports
    /// `launched` or `launchFailed`.
    func launch(_ order: LaunchOrder) async {
        let configuration = parts.configuration
        let state = configuration.state.directory
        let logDirectory = "\(state)/logs/\(order.instance)"
        do {
            try FileManager.default.createDirectory(
                atPath: logDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let identity = ClientIdentity(
                url: await parts.channelURL.value, clientID: order.client.rawValue, key: order.key,
                shard: order.instance, shardCount: order.shardCount, revision: order.revision.rawValue)
            let environment = try parts.environment.make(configured: configuration.bot.environment, identity: identity)
            let directory = parts.releases.existingRelease(order.revision)?.directory
                ?? "\(state)/releases/\(order.revision.rawValue)"
            let process = try await parts.launcher.launch(LaunchRequest(
                command: configuration.bot.command, workingDirectory: directory, environment: environment,
                clientID: order.client.rawValue, revision: order.revision.rawValue,
                log: parts.processes.logs.policy(for: order.client, path: "\(logDirectory)/\(order.client.rawValue).log"),
                diesWithDaemon: configuration.bot.stopWithDaemon))
            parts.processes.keep(process, as: order.client)
            logger.info("launched", metadata: ["client": "\(order.client)", "pid": "\(process.record.pid)"])
            // The launch record goes into the transaction of the step that hears of the launch: neither is kept
            // without the other, and no write of its own holds the store's writer while the driver waits for it.
            let recordRows = try parts.processes.recordRows(of: process)
            await submit(
                .launched(order.client, pid: process.record.pid, startTime: process.record.startTicks),
                storing: recordRows)
        } catch {
            logger.error("launch failed", metadata: ["client": "\(order.client)", "error": "\(error)"])
            await submit(.launchFailed(order.client, message: "\(error)"))
        }
    }

    /// Sends `command` to `client`. A `shutdown` to an idle client (it confirmed `coma`) waits for its place in
    /// the ``StopWave``, and its stop with it; to any other client it goes at once.
    func send(_ command: ClientCommand, to client: ClientID) {
        let channel = parts.channel
        guard case .shutdown = command, channel.isIdle(client) else { return channel.send(command, to: client) }
        let now = ContinuousClock.now
        let place = stopWave.withLock { $0.place(client, now: now) }
        guard place > now else { return channel.send(command, to: client) }
        parts.work.start {
            try? await Task.sleep(until: place, clock: .continuous)
            channel.send(command, to: client)
        }
    }

    /// Stops one client: `cmd shutdown` over the channel, then the supervisor's SIGTERM/SIGKILL sequence. A client
    /// without a socket cannot hear `cmd shutdown`: it gets SIGTERM at once (it is stopped while unreachable only
    /// when its replacement waits to take over). An unmanaged client is disconnected, and its closing socket is its exit. A client without a process is
    /// answered with `exited` at once. The exit of a process is reported by the exit watcher.
    func stop(_ client: ClientID) async {
        if parts.channel.isUnmanaged(client) {
            if !parts.channel.stopUnmanaged(client) { await submit(.exited(client, .exited(code: 0))) }
            return
        }
        guard let process = parts.processes.process(of: client) else {
            await submit(.exited(client, .exited(code: 0)))
            return
        }
        let channel = parts.channel
        let timing = StopTiming(
            stopGrace: channel.hasSocket(client) ? parts.configuration.rollout.stopGrace : .zero,
            killGrace: parts.configuration.rollout.killGrace)
        let outcome = await process.stop(timing: timing) {
            channel.send(.shutdown(reason: "stop"), to: client)
        }
        logger.info("stopped", metadata: ["client": "\(client)", "outcome": "\(outcome)"])
    }
}
