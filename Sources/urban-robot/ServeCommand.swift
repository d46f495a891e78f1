import ArgumentParser
import FleetConfiguration
import FleetDaemon
import Logging

/// `urban-robot serve`: the daemon, with the admin API, `/metrics`, the GitHub webhook and the poller.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Runs the daemon until SIGTERM or SIGINT; stopping it leaves the bots running."
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: """
        Start over on purpose when the state folder lost state.sqlite: move its contents aside into \
        <state>/reset-<UTC time>/ (the bots the old state ran are not adopted; stop them first).
        """)
    var resetState = false

    func run() async throws {
        let configuration = try options.load()
        let logger = Logger(label: "urban-robot")
        let daemon = try Daemon(configuration: configuration, logger: logger, resetState: resetState)
        try daemon.checkSource()
        if !configuration.admin.listen.isLoopback {
            logger.warning("""
                the admin API listens on \(configuration.admin.listen), not on loopback (admin.allow_remote = true): \
                whoever reaches it with the token controls the fleet
                """)
        }
        try ListenCheck.requireFree([
            ("channel.listen", configuration.channel.listen), ("admin.listen", configuration.admin.listen),
        ])
        let metrics = DaemonMetrics(channelSessions: { daemon.channelSessionCount })
        daemon.observeActions { metrics.observe($0) }
        let services = try OperatorServices.make(configuration: configuration, control: daemon, metrics: metrics, logger: logger)
        try await daemon.run(additionalServices: services)
    }
}
