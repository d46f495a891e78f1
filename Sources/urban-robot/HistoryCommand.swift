import ArgumentParser
import Foundation
import UrbanRobot

/// `urban-robot history [--json] [-n N]`.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Lists deployments, newest first."
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print the admin API's JSON unchanged (a stable interface for scripts).")
    var json = false

    @Option(name: .short, help: "How many deployments.")
    var n = 20

    func validate() throws {
        guard n > 0 else { throw ValidationError("-n must be a positive number, not \(n)") }
    }

    func run() async throws {
        let client = try options.client()
        if json {
            FileHandle.standardOutput.write(try await client.historyJSON(limit: n) + Data("\n".utf8))
        } else {
            print(HistoryTable.render(try await client.history(limit: n)))
        }
    }
}
