import Testing
@testable import Supervisor

@Suite struct LaunchEnvironmentTests {
    let daemon: [String: String] = [
        "PATH": "/opt/bin:/usr/bin", "HOME": "/var/lib/urban-robot", "LANG": "C.UTF-8", "TZ": "UTC",
        "USER": "robot", "DISCORD_TOKEN": "tok-SECRET-123", "AWS_SECRET_ACCESS_KEY": "aws", "PYTHONPATH": "/daemon",
        "SSH_AUTH_SOCK": "/tmp/agent", "TERM": "xterm",
    ]
    let identity = ClientIdentity(
        url: "http://127.0.0.1:8080", clientID: "shard-1.4", key: "k3y", shard: 1, shardCount: 4, revision: "abc123")

    @Test func keepsOnlyTheAllowlistTheConfigAndTheIdentity() throws {
        let builder = LaunchEnvironment(inherited: daemon, forbiddenNames: ["DISCORD_TOKEN"], secrets: ["tok-SECRET-123"])
        let environment = try builder.make(configured: ["LOG_LEVEL": "debug", "TZ": "Europe/Paris"], identity: identity)
        #expect(environment == [
            "PATH": "/opt/bin:/usr/bin", "HOME": "/var/lib/urban-robot", "LANG": "C.UTF-8", "TZ": "Europe/Paris",
            "USER": "robot", "LOG_LEVEL": "debug",
            "URBAN_ROBOT_URL": "http://127.0.0.1:8080", "URBAN_ROBOT_INSTANCE": "shard-1.4", "URBAN_ROBOT_KEY": "k3y",
            "URBAN_ROBOT_SHARD": "1", "URBAN_ROBOT_SHARD_COUNT": "4", "URBAN_ROBOT_REVISION": "abc123",
        ])
    }

    @Test func aBuildGetsNoIdentityAndADefaultPath() throws {
        let environment = try LaunchEnvironment(inherited: ["HOME": "/h"]).make(configured: [:], identity: nil)
        #expect(environment == ["HOME": "/h", "PATH": LaunchEnvironment.defaultPath])
    }

    @Test(arguments: [
        ["DISCORD_TOKEN": "anything"],
        ["BOT_TOKEN": "tok-SECRET-123"],
        ["OPTS": "--token=tok-SECRET-123 --fast"],
        ["URBAN_ROBOT_KEY": "mine"],
        ["": "x"],
        ["A=B": "x"],
        ["NUL": "a\0b"],
    ])
    func refusesWhatWouldCarryASecretOrBreakTheEnvironment(configured: [String: String]) throws {
        let builder = LaunchEnvironment(inherited: daemon, forbiddenNames: ["DISCORD_TOKEN"], secrets: ["tok-SECRET-123"])
        let error = try #require(throws: SupervisorError.self) {
            try builder.make(configured: configured, identity: identity)
        }
        #expect(error.code == .invalidEnvironment)
        #expect(error.message.contains("'\(configured.keys.first!)'"))
        #expect(!error.description.contains("tok-SECRET-123"))
    }

    @Test func dropsAnInheritedVariableThatHoldsASecret() throws {
        let builder = LaunchEnvironment(inherited: ["HOME": "/h", "LANG": "tok-SECRET-123"], secrets: ["tok-SECRET-123", ""])
        #expect(try builder.make(configured: [:], identity: nil) == ["HOME": "/h", "PATH": LaunchEnvironment.defaultPath])
    }
}
