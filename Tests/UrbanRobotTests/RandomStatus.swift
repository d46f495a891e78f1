import AdminAPI
import FleetTypes
import Foundation
import TestSupport

/// Random status documents for the status writer's byte-equality test: every optional nil and not, every state and
/// trigger, swarm clients (node, task, container) and local ones, heartbeats with stats of every JSON shape, strings
/// from ``RandomJSON``, dates before 1970 and with fractions, numbers huge, negative and zero.
enum RandomStatus {
    /// A random document of 0 to 6 instances.
    static func snapshot(_ random: inout SplitMix64) -> StatusSnapshot {
        StatusSnapshot(
            state: [.idle, .deploying, .halted][Int.random(in: 0..<3, using: &random)],
            haltReason: maybe(&random) { RandomJSON.string(&$0) },
            revision: maybe(&random, revision),
            lastGood: maybe(&random) { StatusSnapshot.LastGood(revision: revision(&$0), tag: RandomJSON.string(&$0)) },
            deployment: maybe(&random, deployment),
            instances: (0..<Int.random(in: 0...6, using: &random)).map { _ in instance(&random) },
            bad: (0..<Int.random(in: 0...3, using: &random)).map { _ in
                StatusSnapshot.Bad(revision: revision(&random), reason: RandomJSON.string(&random), markedAt: date(&random))
            },
            storeError: maybe(&random) {
                StatusSnapshot.StoreError(error: RandomJSON.string(&$0), since: date(&$0), pendingEvents: integer(&$0))
            })
    }

    /// A client; about half of them with a node, a task and a container, each of these sometimes missing alone.
    static func client(_ random: inout SplitMix64) -> StatusSnapshot.Client {
        var client = StatusSnapshot.Client(
            client: ClientID(rawValue: RandomJSON.string(&random)), revision: revision(&random),
            pid: maybe(&random) { Int32.random(in: Int32.min...Int32.max, using: &$0) },
            state: RandomJSON.string(&random), epoch: integer(&random), since: date(&random),
            confirmBy: maybe(&random, date), restarts: maybe(&random, integer))
        client.heartbeat = maybe(&random) { random in
            let stats = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                (RandomJSON.string(&random, short: true), RandomJSON.value(&random))
            }
            return StatusSnapshot.Heartbeat(at: date(&random), stats: Dictionary(stats) { _, last in last })
        }
        client.rssBytes = maybe(&random, integer)
        client.cpuSeconds = maybe(&random, RandomJSON.number)
        client.launchedAt = maybe(&random, date)
        if Bool.random(using: &random) {
            client.node = maybe(&random, probability: 0.9) { RandomJSON.string(&$0) }
            client.task = maybe(&random, probability: 0.9) { RandomJSON.string(&$0) }
            client.container = maybe(&random, probability: 0.9) { RandomJSON.string(&$0) }
        }
        return client
    }

    /// A date from 1874 to 2096, whole seconds or with a fraction.
    static func date(_ random: inout SplitMix64) -> Date {
        let seconds = Double.random(in: -3e9...4e9, using: &random)
        return Date(timeIntervalSince1970: Bool.random(using: &random) ? seconds : seconds.rounded())
    }

    private static func instance(_ random: inout SplitMix64) -> StatusSnapshot.Instance {
        StatusSnapshot.Instance(
            instance: integer(&random), epoch: integer(&random), active: maybe(&random, client),
            standby: maybe(&random, client), candidate: maybe(&random, client))
    }

    private static func deployment(_ random: inout SplitMix64) -> StatusSnapshot.Deployment {
        StatusSnapshot.Deployment(
            id: integer(&random), revision: maybe(&random, revision), ref: maybe(&random) { RandomJSON.string(&$0) },
            trigger: Trigger.allCases[Int.random(in: 0..<Trigger.allCases.count, using: &random)],
            phase: RandomJSON.string(&random), wave: integer(&random), waves: integer(&random),
            phaseEndsAt: maybe(&random, date), startedAt: maybe(&random, date))
    }

    private static func revision(_ random: inout SplitMix64) -> Revision {
        Revision(RandomJSON.string(&random))
    }

    /// Zero, small, negative or anywhere in `Int`'s range.
    private static func integer(_ random: inout SplitMix64) -> Int {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: 0
        case 1: Int.random(in: 0...1000, using: &random)
        case 2: -Int.random(in: 1...1000, using: &random)
        default: Int.random(in: Int.min...Int.max, using: &random)
        }
    }

    /// `make`'s value with `probability`, else nil.
    private static func maybe<Value>(
        _ random: inout SplitMix64, probability: Double = 0.5, _ make: (inout SplitMix64) -> Value
    ) -> Value? {
        Double.random(in: 0..<1, using: &random) < probability ? make(&random) : nil
    }
}
