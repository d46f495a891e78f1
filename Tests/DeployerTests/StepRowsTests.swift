@testable import Deployer
import FleetTypes
import Foundation
import GRDB
import Testing

/// Rows another module brings with an event (``DeployerDriver/submit(_:storing:)``, the daemon's launch records)
/// are stored in the transaction of the event's step: both or neither, also across an outage of the store.
@Suite struct StepRowsTests {
    /// A table of the test's own beside the engine's, as the daemon keeps `launch_records`.
    static func noteTable(_ store: DeployerStore) throws {
        try store.writer.write { db in try db.execute(sql: "CREATE TABLE notes (client TEXT PRIMARY KEY, pid INTEGER)") }
    }

    static func note(_ client: ClientID, pid: Int32) -> StepRows {
        { db in try db.execute(sql: "INSERT OR REPLACE INTO notes VALUES (?, ?)", arguments: [client.rawValue, pid]) }
    }

    static func notes(_ store: DeployerStore) throws -> [String: Int] {
        try store.writer.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT client, pid FROM notes").map {
                ($0["client"] as String, $0["pid"] as Int)
            })
        }
    }

    /// A driver with one instance whose first launch is ordered: the client the rows go with.
    static func launching(_ store: DeployerStore) async throws -> (DeployerDriver, StoreOutageTests.KeepingEffects, ClientID) {
        let effects = StoreOutageTests.KeepingEffects()
        let settings = DeployerSettings(instances: 1, identifyTimeout: .seconds(30), identifySpacing: .seconds(1))
        let driver = DeployerDriver(
            engine: DeploymentEngine(settings: settings, keys: CountingKeySource()), store: store, effects: effects,
            clock: StoreOutageTests.ManualClock())
        try await driver.start()
        try await driver.submit(.request(DeploymentRequest(ref: Revision.v1.rawValue, trigger: .cli)))
        try await driver.submit(.releasePrepared(deployment: 1, result: .prepared(.v1)))
        let order = try #require(effects.launches.first)
        return (driver, effects, order.client)
    }

    @Test func theRowsAreStoredInTheTransactionOfTheEventsStep() async throws {
        let (store, folder) = try StoreOutageTests.fileStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.noteTable(store)
        let (driver, _, client) = try await Self.launching(store)
        let commits = store.committedSteps

        try await driver.submit(.launched(client, pid: 4242, startTime: 7), storing: Self.note(client, pid: 4242))

        #expect(store.committedSteps == commits + 1, "one transaction for the step and its rows")
        #expect(try Self.notes(store) == [client.rawValue: 4242])
        #expect(try store.events(deployment: 1).contains { $0.kind == "client.launched" && $0.client == client })
    }

    @Test func rowsThatFailFailTheStepAndNothingOfItIsKept() async throws {
        let (store, folder) = try StoreOutageTests.fileStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (driver, _, client) = try await Self.launching(store)  // no `notes` table: the rows' INSERT fails
        let trail = try store.events(deployment: 1)

        let step = try await driver.submit(.launched(client, pid: 4242, startTime: 7), storing: Self.note(client, pid: 4242))

        #expect(step == EngineStep(reply: .noted, actions: []), "a fact waits for the store")
        #expect(driver.status().storeError?.pendingEvents == 1)
        #expect(try store.events(deployment: 1) == trail, "the step's entries went with its rows")
    }

    @Test func duringAnOutageTheRowsWaitWithTheirEventAndAreStoredWhenItIsApplied() async throws {
        let (store, folder) = try StoreOutageTests.fileStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.noteTable(store)
        let (driver, _, client) = try await Self.launching(store)
        try store.refuseWrites(true)

        let step = try await driver.submit(.launched(client, pid: 4242, startTime: 7), storing: Self.note(client, pid: 4242))
        #expect(step == EngineStep(reply: .noted, actions: []))
        #expect(driver.status().storeError?.pendingEvents == 1)

        try store.refuseWrites(false)
        await driver.retryTheStore()
        #expect(driver.status().storeError == nil)
        #expect(try Self.notes(store) == [client.rawValue: 4242], "the rows came with their event")
        #expect(try store.events(deployment: 1).contains { $0.kind == "client.launched" && $0.client == client })
    }
}
