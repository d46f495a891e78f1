import Deployer
import Foundation
import Testing

/// `DeployerStore.recentEvents`: what happened outside any deployment (`history --events`), newest first.
@Suite struct RecentEventsTests {
    @Test func aRestartOutsideADeploymentIsListedNewestFirstWithoutTheRoutineEntries() throws {
        var fleet = Fleet(.test())
        let store = try DeployerStore.inMemory()
        fleet.store = store
        fleet.deploy(.v1)
        fleet.advance(.seconds(3600))
        let crashed = try #require(fleet.active(0))
        fleet.crash(crashed)
        fleet.advance(.seconds(60))

        let events = try store.recentEvents(limit: 100, routine: false)
        #expect(events.allSatisfy { $0.deployment == nil })
        #expect(!events.contains { $0.kind.hasPrefix("action.") || $0.kind == "health.probe_passed" })
        let kinds = events.map(\.kind)
        let exited = try #require(kinds.firstIndex(of: "client.exited"))
        let restarted = try #require(kinds.firstIndex(of: "handover.committed"))
        #expect(restarted < exited, "newest first: the restart's handover before the exit: \(kinds)")
        #expect(events[exited].client == crashed)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.time >= $1.time })

        let routine = try store.recentEvents(limit: 100, routine: true)
        #expect(routine.contains { $0.kind.hasPrefix("action.") })
        #expect(routine.count > events.count)
        #expect(try store.recentEvents(limit: 2, routine: true) == Array(routine.prefix(2)))
    }
}
