import ArgumentParser
import Deployer
import UrbanRobot

/// `urban-robot promote`.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "promote", abstract: "Skips the remaining bake and watch of the running deployment.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        try await options.client().perform(.promote)
        print("promote: done")
    }
}
