import ArgumentParser
import FleetOperator

/// `urban-robot rollback [--to REV] [--immediate] [--force] [--no-wait] [-v/--verbose]`.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Rolls the fleet back to the last good revision, or to --to, and follows it.",
        discussion: "Exits 0 only when the rollback succeeded."
    )

    @OptionGroup var options: ConfigOption

    @Option(name: .customLong("to"), help: ArgumentHelp("A revision or good tag (default: the last good revision).", valueName: "REV"))
    var target: String?

    @Flag(help: "All instances in one wave, without bake or watch.")
    var immediate = false

    @Flag(help: "Roll back even to a revision marked bad.")
    var force = false

    @Flag(name: .customLong("no-wait"), help: "Print the deployment's id and return without following it.")
    var noWait = false

    @Flag(name: .shortAndLong, help: "Print every progress event, not one line per phase and wave.")
    var verbose = false

    func run() async throws {
        let client = try options.client()
        let answer = try await client.rollback(to: target, force: force, immediate: immediate, who: invokingUser)
        try await DeploymentWait.finish(answer, client: client, noWait: noWait, verbose: verbose)
    }
}
