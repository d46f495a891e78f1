import ArgumentParser
import Deployer
import UrbanRobot

/// `urban-robot abort`.
struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "abort", abstract: "Stops the running deployment and undoes what it changed.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await options.client().perform(.abort)
        print("abort: done")
    }
}
