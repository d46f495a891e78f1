import ArgumentParser
import Deployer
import UrbanRobot

/// `urban-robot resume`.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Leaves the halted state, so automatic deployments run again.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await options.client().perform(.resume)
        print("resume: done")
    }
}
