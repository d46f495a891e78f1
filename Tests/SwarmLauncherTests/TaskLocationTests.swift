import DockerEngine
import Foundation
import Testing
@testable import SwarmLauncher

/// Which task of a one-replica service runs a started container, before and after the engine wrote the container
/// into the task's status.
struct TaskLocationTests {
    @Test func theTaskThatNamesTheContainerIsIt() throws {
        let tasks = [
            try Self.task(id: "old", state: "shutdown", desired: "shutdown", container: "c0"),
            try Self.task(id: "new", state: "running", desired: "running", container: "c1"),
        ]
        #expect(SwarmLauncher.task(of: "c1", among: tasks)?.id == "new")
        #expect(SwarmLauncher.task(of: "c0", among: tasks)?.id == "old")
    }

    @Test func beforeTheEngineNamesTheContainerTheTaskToRunStandsIn() throws {
        let tasks = [
            try Self.task(id: "old", state: "shutdown", desired: "shutdown", container: "c0"),
            try Self.task(id: "new", state: "starting", desired: "running", container: nil),
        ]
        let task = try #require(SwarmLauncher.task(of: "c1", among: tasks))
        #expect(task.id == "new" && task.nodeID == "node-new")
    }

    @Test func aTaskOfAnotherContainerNeverStandsIn() throws {
        let tasks = [
            try Self.task(id: "other", state: "running", desired: "running", container: "c9"),
            try Self.task(id: "gone", state: "failed", desired: "running", container: nil),
        ]
        #expect(SwarmLauncher.task(of: "c1", among: tasks) == nil)
        #expect(SwarmLauncher.task(of: "c1", among: []) == nil)
    }

    /// A task as `GET /tasks` has it, scheduled on `node-<id>`.
    private static func task(id: String, state: String, desired: String, container: String?) throws -> SwarmTask {
        let containerStatus = container.map { #", "ContainerStatus": {"ContainerID": "\#($0)", "PID": 42}"# } ?? ""
        let json = """
            {"ID": "\(id)", "ServiceID": "s", "NodeID": "node-\(id)", "DesiredState": "\(desired)",
             "Status": {"State": "\(state)"\(containerStatus)}}
            """
        return try JSONDecoder().decode(SwarmTask.self, from: Data(json.utf8))
    }
}
