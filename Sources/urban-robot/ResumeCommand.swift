import ArgumentParser
import FleetTypes

/// `urban-robot resume`.
struct ResumeCommand: OperatorCommandLine {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Leaves the halted state, so automatic deployments run again.")
    static let command = OperatorCommand.resume

    @OptionGroup var options: ConfigOption
}
