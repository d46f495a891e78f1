import ArgumentParser
import FleetTypes
import FleetOperator

/// `abort`, `promote` and `resume`: one operator command each, sent to the daemon.
protocol OperatorCommandLine: AsyncParsableCommand {
    /// The command sent.
    static var command: OperatorCommand { get }
    /// `-c/--config`.
    var options: ConfigOption { get }
}

extension OperatorCommandLine {
    func run() async throws {
        try await options.client().perform(Self.command)
        print("\(Self.configuration.commandName ?? "\(Self.command)"): done")
    }
}
