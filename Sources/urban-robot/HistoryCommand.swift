import ArgumentParser
import FleetOperator
import Foundation

/// `urban-robot history [--json] [-n N] [--events [--routine]]`.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Lists deployments, newest first; with --events, what happened outside them."
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print the admin API's JSON unchanged (a stable interface for scripts).")
    var json = false

    @Option(name: .short, help: "How many deployments (or events).")
    var n = 20

    @Flag(help: "List the events outside any deployment instead (adoptions, restarts, crash loops, repairs, refusals).")
    var events = false

    @Flag(help: "With --events, also the routine ones (periodic health checks passed, the engine's action records).")
    var routine = false

    func validate() throws {
        guard n > 0 else { throw ValidationError("-n must be a positive number, not \(n)") }
        guard events || !routine else { throw ValidationError("--routine goes with --events") }
    }

    func run() async throws {
        let client = try options.client()
        if events, json {
            FileHandle.standardOutput.write(try await client.recentEventsJSON(limit: n, routine: routine) + Data("\n".utf8))
        } else if events {
            print(EventsTable.render(try await client.recentEvents(limit: n, routine: routine)))
        } else if json {
            FileHandle.standardOutput.write(try await client.historyJSON(limit: n) + Data("\n".utf8))
        } else {
            print(HistoryTable.render(try await client.history(limit: n)))
        }
    }
}
