import ArgumentParser
import FleetOperator
import Foundation

/// `urban-robot status [--json] [--watch] [--wide]`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Shows the fleet: state, revision, last good, the running deployment and every instance."
    )

    @OptionGroup var options: ConfigOption

    @Flag(help: "Print the admin API's JSON unchanged (a stable interface for scripts).")
    var json = false

    @Flag(name: [.short, .customLong("watch")], help: "Redraw the table every 2 seconds until interrupted (repeated tables when not a terminal).")
    var watch = false

    @Flag(help: "Add each process's uptime, restarts, resident memory and CPU time to the table (past 80 columns).")
    var wide = false

    func validate() throws {
        if json && watch { throw ValidationError("--watch shows the table; it cannot be combined with --json") }
        if json && wide { throw ValidationError("--wide widens the table; --json always has every key") }
    }

    func run() async throws {
        let client = try options.client()
        if watch {
            try await StatusWatcher(client: client, terminal: isatty(STDOUT_FILENO) != 0, wide: wide) { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            }.run()
        } else if json {
            FileHandle.standardOutput.write(try await client.statusJSON() + Data("\n".utf8))
        } else {
            print(StatusTable.render(try await client.status(), now: Date(), wide: wide))
        }
    }
}
