import Deployer
import FleetConfiguration
import Foundation
import GitStore
import Logging
import SocketIO
import Supervisor
import Synchronization

/// Performs the engine's actions with the real channel, supervisor and release store.
///
/// ``perform(_:)`` returns at once: launches, stops, release steps and tags run as jobs of ``DaemonWork`` and
/// report back through the driver (`launched`, `exited`, `releasePrepared`, `taggedGood`).
final class DaemonEffects: DeployerEffects {
    /// What the effects work with.
    struct Parts: Sendable {
        var configuration: Configuration
        var channel: BotChannel
        var driver: DriverReference
        var work: DaemonWork
        var launcher: any ProcessLauncher
        var processes: RunningProcesses
        var releases: ReleaseStore
        var progress: ProgressHub
        var notifier: Notifier
        var channelURL: Readiness<String>
        var environment: LaunchEnvironment
        var observers: ActionObservers
        var logger: Logger
    }

    let parts: Parts
    /// The records of the deployments that run or wait, for the notifications.
    let deployments = Mutex<[Int: DeploymentRecord]>([:])
    /// Deployments whose "canary passed" was posted.
    let canaryPassedDeployments = Mutex<Set<Int>>([])
    /// When the stops of idle clients start.
    let stopWave: Mutex<StopWave>
    /// Removes the logs of releases no longer kept, remembering whose each log is between deployments.
    let logRetention: LaunchLogRetention

    init(parts: Parts, stopWave: StopWave) {
        self.parts = parts
        self.stopWave = Mutex(stopWave)
        logRetention = LaunchLogRetention(folder: "\(parts.configuration.state.directory)/logs")
    }

    var logger: Logger { parts.logger }

    /// Runs a step so that the frames it writes and the channel handlers it answers reach each event loop as one
    /// job (``EventLoopBatch``).
    func together<Value>(_ step: () -> Value) -> Value {
        EventLoopBatch.collect(step)
    }

    func perform(_ action: DeployerAction) {
        parts.observers.notify(action)
        switch action {
        case .admit, .refuse:
            return
        case .hello(let client, let processCommands):
            parts.channel.hello(client, processCommands: processCommands)
        case .send(let client, let command):
            send(command, to: client)
        case .launch(let order):
            parts.channel.issued(KeyHash(key: order.key), to: order.client)
            parts.work.start { [self] in await launch(order) }
        case .stop(let client):
            let place = stopWave.withLock { $0.take(client) }
            parts.work.start { [self] in
                if let place { try? await Task.sleep(until: place, clock: .continuous) }
                await stop(client)
            }
        case .prepareRelease(let deployment, let ref):
            parts.work.start { [self] in await prepareRelease(deployment: deployment, ref: ref) }
        case .tagGood(let revision, let deployment):
            parts.work.start { [self] in await tagGood(revision, deployment: deployment) }
        case .markBad(let revision, let reason):
            parts.work.start { [self] in await markBad(revision, reason: reason) }
        case .unmarkBad(let revision, let deployment):
            parts.work.start { [self] in await unmarkBad(revision, deployment: deployment) }
        case .retainReleases(let keep):
            parts.work.start { [self] in await retainReleases(keep: keep) }
        case .notify(let notice):
            notify(notice)
        case .recordDeployment(let record):
            recordDeployment(record)
        case .audit(let entry):
            logger.debug("\(ProgressSentence.make(for: entry))", metadata: ["kind": "\(entry.kind)"])
            post(for: entry)
        }
    }

    /// Reports an event to the driver with rows to store in its step, logging a failure to record it; the rows
    /// are stored on their own when no driver takes events (before the daemon runs, or once it stopped).
    func submit(_ event: DeployerEvent, storing rows: @escaping StepRows) async {
        do {
            if try await parts.driver.submit(event, storing: rows) == nil { try await parts.processes.save(rows) }
        } catch {
            logger.error("could not record an event", metadata: ["error": "\(error)"])
        }
    }

    /// Reports an event to the driver, logging a failure to record it.
    func submit(_ event: DeployerEvent) async {
        do {
            _ = try await parts.driver.submit(event)
        } catch {
            logger.error("could not record an event", metadata: ["error": "\(error)"])
        }
    }
}
