import AdminAPI
@testable import FleetDaemon
import FleetTypes
import Foundation
import Testing

/// The stop wave with real bots, slowed down to one stop per 5 s so that it shows in the bots' own records: a
/// finished deployment's standbys that confirmed `coma` get `shutdown` a slot apart, and standbys that never
/// confirmed it (they may still be serving, for all the daemon knows) get it at once.
@Suite("Integration: the stop wave", .serialized)
struct StopWaveIntegrationTests {
    static let interval = Duration.seconds(5)

    @Test("idle standbys are shut down a slot apart; standbys that never confirmed coma at once; never two clients serving a shard")
    func standbysRetireInAWave() async throws {
        try await Scenario.run { scenario in
            try await scenario.withDaemon(instances: 3, stopWave: StopWave(slice: 1, interval: Self.interval)) { harness in
                let repository = scenario.repository
                let client = try String(
                    contentsOfFile: "\(BotRepository.packageRoot)/Deploy/bot/urban_robot_client.py", encoding: .utf8)
                let confirmation = #"await self.sio.emit("coma", {"reason": body.get("reason", "")})"#
                #expect(client.contains(confirmation))
                let silent = client.replacingOccurrences(of: confirmation, with: "pass  # obeys coma, never confirms it")

                let v1 = try await repository.commit("v1 never confirms coma", simulate: nil, files: ["urban_robot_client.py": silent])
                #expect(try await harness.deploy(v1).outcome == .succeeded)
                let v1Clients = await Self.actives(harness)

                // v1's clients become standbys on coma_timeout, unconfirmed: their shutdowns go out together.
                let v2 = try await repository.commit("v2", simulate: nil, files: ["urban_robot_client.py": client])
                #expect(try await harness.deploy(v2).outcome == .succeeded)
                let v2Clients = await Self.actives(harness)
                let unconfirmed = try await Self.shutdowns(of: v1Clients, in: scenario, harness)
                #expect(Self.seconds(unconfirmed.last! - unconfirmed.first!) < Self.seconds(Self.interval),
                        "the standbys that never confirmed coma were shut down at once: \(unconfirmed)")

                // v2's clients confirm coma: the wave takes them one per slot.
                let v3 = try await repository.commit("v3", simulate: nil)
                #expect(try await harness.deploy(v3).outcome == .succeeded)
                let idle = try await Self.shutdowns(of: v2Clients, in: scenario, harness)
                // The first goes at once and the third two slots later; 2 s of it are left for the first bot's delay.
                #expect(Self.seconds(idle.last! - idle.first!) >= 2 * Self.seconds(Self.interval) - 2,
                        "the idle standbys were shut down a slot apart: \(idle)")

                let service = ServiceTimeline(try scenario.botStates(), until: ServiceTimeline.now())
                #expect(service.overlaps.isEmpty, "\(service.overlaps)")
            }
        }
    }

    /// The clients active on each instance now.
    private static func actives(_ harness: DaemonHarness) async -> Set<String> {
        Set(await harness.daemon.status().instances.compactMap { $0.active?.client.rawValue })
    }

    /// When each of `clients` got `shutdown` (the example bot records `exited` on it), in order, once all have.
    private static func shutdowns(of clients: Set<String>, in scenario: Scenario, _ harness: DaemonHarness) async throws -> [UInt64] {
        #expect(clients.count == 3)
        return try await harness.poll("\(clients.sorted()) to be shut down", timeout: .seconds(90)) {
            let times = try scenario.botStates().filter { $0.state == .exited && clients.contains($0.client) }.map(\.nanoseconds)
            return times.count == clients.count ? times.sorted() : nil
        }
    }

    private static func seconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e9 }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
