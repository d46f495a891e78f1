import ArgumentParser
import FleetConfiguration
import FleetOperator
import Foundation

/// `-c/--config FILE`, shared by every command.
struct ConfigOption: ParsableArguments {
    @Option(name: [.short, .customLong("config")],
            help: ArgumentHelp("The configuration file (default: $URBAN_ROBOT_CONFIG, then ./urban-robot.toml).", valueName: "FILE"))
    var config: String?

    /// The configuration file's path.
    var path: String {
        config ?? ConfigurationLoader.defaultPath(environment: ProcessInfo.processInfo.environment)
    }

    /// The configuration.
    func load() throws -> Configuration {
        try ConfigurationLoader.load(path: path)
    }

    /// A client of the daemon of this configuration.
    func client() throws -> AdminClient {
        try AdminClient(configuration: try load())
    }
}

/// Who asks, as the daemon records it: the user's login name.
var invokingUser: String {
    ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "cli"
}
