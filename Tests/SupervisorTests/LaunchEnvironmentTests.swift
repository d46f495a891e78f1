import FleetTypes
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
        ["OPTS": "tok-SECRET-123\u{301}"],  // a combining mark after it hides it from String.contains, not from bytes
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

/// The byte search behind the secret checks (``Swift/String/containsBytes(of:)``).
@Suite struct ContainsBytesTests {
    @Test func findsTheNeedlesBytesAnywhereAndNothingElse() {
        #expect("tok-SECRET-123".containsBytes(of: "tok-SECRET-123"))
        #expect("--token=tok-SECRET-123 --fast".containsBytes(of: "SECRET"))
        #expect("at the end: tok".containsBytes(of: "tok"))
        #expect("é tok ü".containsBytes(of: "tok"), "a text that is not ASCII")
        #expect("e\u{301}".containsBytes(of: "e"), "bytes, not characters: the e of é composed by a mark")
        #expect(!"e\u{301}".contains("e"), "which String.contains does not see")
        #expect(!"tok-SECRET-12".containsBytes(of: "tok-SECRET-123"), "a prefix is not the needle")
        #expect(!"short".containsBytes(of: "a longer needle"))
        #expect(!"".containsBytes(of: "x"))
        #expect("anything".containsBytes(of: ""), "an empty needle is everywhere")
        #expect("a\0b".containsBytes(of: "\0b"), "a NUL byte is a byte like the others")
        let bridged = String(decoding: Array("x tok-SECRET-123 y".utf8), as: UTF8.self)
        #expect(bridged.containsBytes(of: "tok-SECRET-123"))
    }
}
