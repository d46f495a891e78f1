@testable import Deployer
import FleetTypes
import Testing

/// The inbox's order: oldest first, except that the `coma` confirmations a shard's handover waits for are taken
/// alone and ahead, never ahead of an earlier event of their own client.
@Suite struct DriverInboxOrderTests {
    @Test func comaConfirmationsAreTakenAloneAheadOfOtherClientsEvents() {
        let inbox = DriverInbox()
        _ = inbox.add([
            Self.waiting(.launched(Self.client(1), pid: 10, startTime: 1)), Self.waiting(.identified(Self.client(2))),
            Self.waiting(.comaConfirmed(Self.client(3))), Self.waiting(.ready(Self.client(4))),
            Self.waiting(.comaConfirmed(Self.client(5))), Self.waiting(.tick),
        ])
        #expect(inbox.take(upTo: 128).map(\.event) == [.comaConfirmed(Self.client(3)), .comaConfirmed(Self.client(5))])
        #expect(inbox.take(upTo: 128).map(\.event) == [
            .launched(Self.client(1), pid: 10, startTime: 1), .identified(Self.client(2)), .ready(Self.client(4)), .tick,
        ])
        #expect(inbox.count == 0)
    }

    @Test func aConfirmationNeverPassesAnEarlierEventOfItsOwnClient() {
        let inbox = DriverInbox()
        let old = Self.client(7)
        _ = inbox.add([
            Self.waiting(.healthReport(old, HealthReport(ok: true, percent: 100))), Self.waiting(.identified(Self.client(8))),
            Self.waiting(.comaConfirmed(old)), Self.waiting(.comaConfirmed(Self.client(9))),
        ])
        #expect(inbox.take(upTo: 128).map(\.event) == [.comaConfirmed(Self.client(9))])
        #expect(inbox.take(upTo: 128).map(\.event) == [
            .healthReport(old, HealthReport(ok: true, percent: 100)), .identified(Self.client(8)), .comaConfirmed(old),
        ])
    }

    @Test func onlyConfirmationsWaitingAreTakenInOrderAndWithinTheLimit() {
        let inbox = DriverInbox()
        _ = inbox.add((0..<5).map { Self.waiting(.comaConfirmed(Self.client($0))) })
        #expect(inbox.take(upTo: 3).map(\.event) == (0..<3).map { .comaConfirmed(Self.client($0)) })
        #expect(inbox.take(upTo: 3).map(\.event) == (3..<5).map { .comaConfirmed(Self.client($0)) })
    }

    private static func client(_ number: Int) -> ClientID { ClientID(rawValue: "shard-\(number).1") }

    private static func waiting(_ event: DeployerEvent) -> DriverInbox.Waiting {
        DriverInbox.Waiting(event: event) { _ in }
    }
}
