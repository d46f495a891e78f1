import ArgumentParser
import FleetTypes

/// `urban-robot abort`.
struct AbortCommand: OperatorCommandLine {
    static let configuration = CommandConfiguration(commandName: "abort", abstract: "Stops the running deployment and undoes what it changed.")
    static let command = OperatorCommand.abort

    @OptionGroup var options: ConfigOption
}
