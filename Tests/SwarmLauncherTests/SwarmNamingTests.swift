import FleetTypes
import Testing
@testable import SwarmLauncher

/// The rules of names, labels, environments and exit codes, without an engine.
struct SwarmNamingTests {
    @Test func aServiceNameIsADNSNameComponentOfAtMost63Characters() {
        let settings = SwarmLauncherSettings(fleet: "My Bot/Prod_with.a-very-long-name-indeed", repository: "mybot")
        let naming = ServiceNaming(settings: settings, clientID: "shard-1234.5678", instance: "1234", revision: "abc")
        #expect(naming.service.count <= 63 && naming.secret == naming.service + "-key")
        #expect(naming.service.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
        #expect(naming.service.hasPrefix("ur-my-bot-prod-with-a-very--shard-1234-5678-"))
        #expect(naming.labels == [
            "urban-robot.fleet": settings.fleet, "urban-robot.client": "shard-1234.5678",
            "urban-robot.instance": "1234", "urban-robot.revision": "abc",
        ])
        let again = ServiceNaming(settings: settings, clientID: "shard-1234.5678", instance: "1234", revision: "abc")
        #expect(again.service != naming.service, "a new launch never meets a service of the same client being removed")
    }

    @Test func extraLabelsNeverReplaceOurs() {
        var settings = SwarmLauncherSettings(fleet: "bot", repository: "bot")
        settings.labels = ["team": "a", "urban-robot.client": "forged"]
        let naming = ServiceNaming(settings: settings, clientID: "shard-0.1", instance: "0", revision: "abc")
        #expect(naming.labels["team"] == "a" && naming.labels["urban-robot.client"] == "shard-0.1")
    }

    @Test func theContainersEnvironmentHasTheKeyFileNotTheKeyNorTheDaemonsOwnVariables() {
        let environment = ContainerEnvironment.make(
            from: ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8", "URBAN_ROBOT_KEY": "secret",
                   "URBAN_ROBOT_URL": "http://127.0.0.1:8080", "LOG_LEVEL": "info"],
            daemonEnvironment: ["HOME": "/root", "LANG": "en_GB.UTF-8"], channelURL: "http://10.0.0.1:8080",
            keyFile: "/run/secrets/urban-robot-key")
        #expect(environment == [
            "LANG=C.UTF-8",  // bot.env overrode the daemon's: kept
            "LOG_LEVEL=info", "URBAN_ROBOT_KEY_FILE=/run/secrets/urban-robot-key", "URBAN_ROBOT_URL=http://10.0.0.1:8080",
        ])
    }

    @Test func anExitCodeAbove128IsTheSignalThatEndedTheProcess() {
        #expect(ServiceWatcher.status(exitCode: 3) == .exited(code: 3))
        #expect(ServiceWatcher.status(exitCode: 137) == .signaled(signal: 9, coreDumped: false))
        #expect(ServiceWatcher.status(exitCode: 143) == .signaled(signal: 15, coreDumped: false))
        #expect(ServiceWatcher.status(exitCode: nil) == .unknown)
    }
}
