import Deployer
@testable import FleetDaemon
import FleetTypes
import Logging
import Testing

/// The channel vouches for a CONNECT only with the key of a live launch of that very client.
@Suite struct IssuedKeysTests {
    @Test func onlyTheIssuedKeyOfALiveLaunchIsVouchedFor() {
        let channel = BotChannel(
            driver: DriverReference(), token: "token", allowUnmanaged: false, heartbeatInterval: 30, work: DaemonWork(),
            logger: Logger(label: "test"))
        let first = ClientID(instance: 0, launch: 1)
        let second = ClientID(instance: 1, launch: 2)
        channel.issued(KeyHash(key: "key-1"), to: first)
        channel.issued(KeyHash(key: "key-2"), to: second)
        #expect(channel.holdsIssuedKey(.init(client: first, key: "key-1")))
        #expect(!channel.holdsIssuedKey(.init(client: first, key: "key-2")), "another launch's key")
        #expect(!channel.holdsIssuedKey(.init(client: ClientID(instance: 0, launch: 3), key: "key-1")), "an unknown client")
        channel.forgetIssuedKeys(of: [first])
        #expect(!channel.holdsIssuedKey(.init(client: first, key: "key-1")), "its process exited")
        #expect(channel.holdsIssuedKey(.init(client: second, key: "key-2")))
    }
}
