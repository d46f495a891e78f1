import ArgumentParser
import Foundation
import UrbanRobot

/// `urban-robot status [--json]`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Shows the fleet: state, revision, last good, the running deployment and every instance."
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print the admin API's JSON unchanged (a stable interface for scripts).")
    var json = false

    func run() async throws {
        let client = try options.client()
        if json {
            FileHandle.standardOutput.write(try await client.statusJSON() + Data("\n".utf8))
        } else {
            print(StatusTable.render(try await client.status(), now: Date()))
        }
    }
}
