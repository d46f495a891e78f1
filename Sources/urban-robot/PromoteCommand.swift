import ArgumentParser
import FleetTypes

/// `urban-robot promote`.
struct PromoteCommand: OperatorCommandLine {
    static let configuration = CommandConfiguration(commandName: "promote", abstract: "Skips the remaining bake and watch of the running deployment.")
    static let command = OperatorCommand.promote

    @OptionGroup var options: ConfigOption
}
