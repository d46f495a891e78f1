import AdminAPI
import ArgumentParser
import FleetConfiguration
import FleetOperator
import Foundation

/// `urban-robot logs INSTANCE [-f] [--client ID] [-n LINES]`.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Prints the log of an instance's active client (or of --client), and with -f follows it.",
        discussion: "When the daemon does not run, reads the state folder directly: the instance's newest log, or --client's."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The instance (shard) number.")
    var instance: Int

    @Flag(name: [.short, .customLong("follow")], help: "Keep printing lines as they are written.")
    var follow = false

    @Option(name: .customLong("client"), help: ArgumentHelp("A client of the instance, e.g. shard-0.3.", valueName: "ID"))
    var client: String?

    @Option(name: .short, help: ArgumentHelp("How many lines from the end.", valueName: "LINES"))
    var n = 100

    func validate() throws {
        guard instance >= 0 else { throw ValidationError("INSTANCE must be 0 or more, not \(instance)") }
        guard n >= 0 else { throw ValidationError("-n must be 0 or more, not \(n)") }
    }

    func run() async throws {
        let configuration = try options.load()
        let body: LogChunkSequence
        do {
            body = try await AdminClient(configuration: configuration).logs(instance: instance, client: client, lines: n, follow: follow)
        } catch let error as AdminClientError where error.code == .notRunning {
            FileHandle.standardError.write(Data("urban-robot: the daemon does not answer; reading the logs in \(configuration.state.directory)\n".utf8))
            let logs = ClientLogs(stateDirectory: configuration.state.directory, instances: configuration.bot.instances)
            try await logs.read(instance: instance, client: client, lines: n, follow: follow) { bytes in
                FileHandle.standardOutput.write(Data(bytes))
            }
            return
        }
        for try await chunk in body {
            FileHandle.standardOutput.write(Data(chunk))
        }
    }
}
