import DockerEngine
import FleetTypes
import Foundation
import Supervisor
import SwarmLauncher
import Testing
import TestSupport

/// The swarm launcher against the real engine of `Scripts/docker-engine`: services launched, their exits seen
/// through the events, their output in the log files, stopped, adopted by a second launcher, with their secrets
/// removed.
@Suite(.serialized, .enabled("the private Docker engine runs (Scripts/docker-engine start)") { await SwarmTestBed.engine() != nil })
struct LiveSwarmLauncherTests {
    @Test func aLaunchRunsTheRevisionsImageWithTheKeyAsASecretAndItsExitComesThroughTheEvents() async throws {
        let bed = try await SwarmTestBed()
        defer { bed.removeFolder() }
        let launcher = bed.launcher()
        let key = "k3y-\(UUID().uuidString)"
        let client = try await launcher.launch(bed.request(
            client: "shard-0.1", key: key,
            command: ["sh", "-c", "echo started; env | sort; echo \"key: $(cat $URBAN_ROBOT_KEY_FILE)\"; exit 3"]))
        let location = try #require(client.record.location)
        #expect(location.service.hasPrefix("ur-\(bed.fleet)-shard-0-1-") && !location.containerID.isEmpty)
        #expect(!location.nodeID.isEmpty && !location.node.isEmpty && !location.taskID.isEmpty)

        let exit = try #require(await launcher.exits.next(within: .seconds(120)))
        #expect(exit.record.clientID == "shard-0.1" && exit.status == .exited(code: 3))

        let log = try String(contentsOfFile: bed.logPath("shard-0.1"), encoding: .utf8)
        #expect(log.contains("launch shard-0.1 revision \(bed.revision)"))
        #expect(log.contains("started\n"))
        #expect(log.contains("URBAN_ROBOT_KEY_FILE=/run/secrets/urban-robot-key\n"))
        #expect(log.contains("URBAN_ROBOT_URL=http://127.0.0.1:9\n"), "the channel as the containers reach it")
        #expect(log.contains("LOG_LEVEL=debug\n") && log.contains("URBAN_ROBOT_INSTANCE=shard-0.1\n"))
        #expect(!log.contains("URBAN_ROBOT_KEY=") && !log.contains("HOME=/daemon-home"), "no key, nothing of the daemon's own")
        #expect(log.contains("key: <redacted>") && !log.contains(key), "the key reached the container, and no log")

        #expect(try await bed.engine.inspectService(location.service) == nil, "the service is removed after the exit")
        #expect(try await !bed.engine.secretExists(location.service + "-key"), "and its secret with it")
    }

    @Test func aStopAsksPolitelyThenRemovesTheServiceWhichTerminatesThenKillsTheContainer() async throws {
        let bed = try await SwarmTestBed()
        defer { bed.removeFolder() }
        let launcher = bed.launcher(killGrace: .seconds(1))
        let obliging = try await launcher.launch(bed.request(
            client: "shard-0.1", command: ["sh", "-c", "trap 'echo got TERM; exit 0' TERM; echo up; while true; do sleep 0.2; done"]))
        let stubborn = try await launcher.launch(bed.request(
            client: "shard-1.1", command: ["sh", "-c", "echo up; while true; do sleep 0.2; done"]))
        let asked = Latch<Bool>()

        let timing = StopTiming(stopGrace: .seconds(1), killGrace: .seconds(1))
        let outcome = await obliging.stop(timing: timing) { asked.set(true) }
        #expect(outcome == .exitedAfterTerminate(.exited(code: 0)) && asked.value == true)
        // sh as a container's first process ignores SIGTERM without a trap: the engine kills it after the grace.
        #expect(await stubborn.stop(timing: timing, politely: nil) == .killed(.signaled(signal: 9, coreDumped: false)))
        #expect(await obliging.stop(timing: timing, politely: nil) == .alreadyExited(.exited(code: 0)))

        let log = try String(contentsOfFile: bed.logPath("shard-0.1"), encoding: .utf8)
        #expect(log.contains("up\n") && log.contains("got TERM\n"), "the last words are in the log: \(log)")
        #expect(try await bed.engine.services(label: "urban-robot.fleet=\(bed.fleet)").isEmpty)
    }

    @Test func aSecondLauncherAdoptsARunningServiceByItsLabelsAndStopsIt() async throws {
        let bed = try await SwarmTestBed()
        defer { bed.removeFolder() }
        let first = try await bed.launcher().launch(bed.request(
            client: "shard-0.1", command: ["sh", "-c", "trap 'exit 0' TERM; echo before; while true; do sleep 0.2; done"]))
        let location = try #require(first.record.location)

        let restarted = bed.launcher()
        var record = first.record
        record.location = nil  // found by its labels alone
        let adopted = try #require(try await restarted.adopt(record, log: LogPolicy(path: bed.logPath("shard-0.1"))))
        #expect(adopted.record.location?.containerID == location.containerID)
        #expect(adopted.record.location?.node == location.node)
        #expect(try await restarted.adopt(bed.record(client: "shard-9.1"), log: nil) == nil, "no service: gone")
        let otherFleet = SwarmTestBed.launcher(engine: bed.engine, fleet: bed.fleet + "-other", repository: bed.repository)
        #expect(try await otherFleet.adopt(record, log: nil) == nil, "another fleet's service is not ours")

        let outcome = await adopted.stop(timing: StopTiming(stopGrace: .zero, killGrace: .seconds(5)), politely: nil)
        #expect(outcome == .exitedAfterTerminate(.exited(code: 0)))
        let exit = try #require(await restarted.exits.next(within: .seconds(60)))
        #expect(exit.record.clientID == "shard-0.1" && exit.status == .exited(code: 0))
        #expect(try await bed.engine.inspectService(location.service) == nil)
        #expect(try await !bed.engine.secretExists(location.service + "-key"))
        let log = try String(contentsOfFile: bed.logPath("shard-0.1"), encoding: .utf8)
        #expect(log.contains("adopt shard-0.1 revision \(bed.revision)"))
    }

    @Test func aLaunchOfARevisionWithoutItsImageFailsAtOnceLeavingNothing() async throws {
        let bed = try await SwarmTestBed()
        defer { bed.removeFolder() }
        var request = bed.request(client: "shard-0.1", command: ["true"])
        request.revision = String(repeating: "0", count: 40)
        let error = await #expect(throws: SupervisorError.self) { _ = try await bed.launcher().launch(request) }
        #expect(error?.code == .spawnFailed && error?.message.contains("\(bed.repository):\(request.revision)") == true)
        #expect(try await bed.engine.services(label: "urban-robot.fleet=\(bed.fleet)").isEmpty)
    }
}
