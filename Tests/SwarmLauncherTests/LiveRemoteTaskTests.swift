import DockerEngine
import FleetTypes
import Foundation
import Supervisor
@testable import SwarmLauncher
import Testing
import TestSupport

/// A client whose task runs on another node than the engine's own (a worker, seen from the manager, whose
/// container events the manager does not report) is followed through its task's state, and its output through the
/// task's logs. On the single node of `Scripts/docker-engine`: the launcher is told that the engine's own node is
/// another one, so that the events are not followed at all (`Scripts/swarm-two-nodes` runs it on two nodes).
@Suite(.serialized, .enabled("the private Docker engine runs (Scripts/docker-engine start)") { await SwarmTestBed.engine() != nil })
struct LiveRemoteTaskTests {
    @Test func aTaskOnAnotherNodeIsSeenStartingAndEndingThroughItsStateWithItsOutputFromTheTasksLogs() async throws {
        let bed = try await SwarmTestBed()
        defer { bed.removeFolder() }
        let launcher = SwarmLauncher(engine: bed.engine, settings: bed.launcher().settings, eventsNode: "a-node-elsewhere")
        let client = try await launcher.launch(bed.request(
            client: "shard-0.1", command: ["sh", "-c", "echo started; sleep 4; echo leaving >&2; exit 3"]))
        let location = try #require(client.record.location, "the launch returned once the task ran")
        #expect(!location.containerID.isEmpty && !location.taskID.isEmpty && !location.node.isEmpty)

        let exit = try #require(await launcher.exits.next(within: .seconds(120)))
        #expect(exit.record.clientID == "shard-0.1" && exit.status == .exited(code: 3))
        let log = try String(contentsOfFile: bed.logPath("shard-0.1"), encoding: .utf8)
        #expect(log.contains("started\n") && log.contains("leaving\n"), "stdout and stderr from the task's logs: \(log)")
        #expect(try await bed.engine.inspectService(location.service) == nil, "the service is removed after the exit")
        #expect(try await !bed.engine.secretExists(location.service + "-key"), "and its secret with it")
    }

    @Test func aStoppedTaskOnAnotherNodeIsSeenEndingWhenItsServiceIsRemoved() async throws {
        let bed = try await SwarmTestBed()
        defer { bed.removeFolder() }
        let launcher = SwarmLauncher(engine: bed.engine, settings: bed.launcher(killGrace: .seconds(1)).settings,
                                     eventsNode: "a-node-elsewhere")
        let client = try await launcher.launch(bed.request(
            client: "shard-0.1", command: ["sh", "-c", "trap 'exit 0' TERM; echo up; while true; do sleep 0.2; done"]))
        let asked = Latch<Bool>()
        let outcome = await client.stop(timing: StopTiming(stopGrace: .seconds(1), killGrace: .seconds(1))) { asked.set(true) }
        guard case .exitedAfterTerminate = outcome else {
            Issue.record("the removal ended the container, seen from its task: \(outcome)")
            return
        }
        #expect(asked.value == true)
        #expect(await launcher.exits.next(within: .seconds(60))?.record.clientID == "shard-0.1")
        #expect(try await bed.engine.services(label: "urban-robot.fleet=\(bed.fleet)").isEmpty)
    }
}
