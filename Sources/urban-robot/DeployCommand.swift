import ArgumentParser
import FleetOperator

/// `urban-robot deploy [REV] [--immediate] [--force] [--no-wait] [-v/--verbose] [--trigger push|cli]`.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploys a revision (default: the configured branch's tip), canary first, and follows it.",
        discussion: "Exits 0 only when the deployment succeeded."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "A commit id, branch or tag (default: the configured branch).")
    var revision: String?

    @Flag(help: "All instances in one wave, without bake or watch.")
    var immediate = false

    @Flag(help: "Deploy even a revision marked bad.")
    var force = false

    @Flag(name: .customLong("no-wait"), help: "Print the deployment's id and return without following it.")
    var noWait = false

    @Flag(name: .shortAndLong, help: "Print every progress event, not one line per phase and wave.")
    var verbose = false

    @Option(help: "What asks: cli, or push (the push hook).")
    var trigger: DeployTriggerArgument = .cli

    func run() async throws {
        let client = try options.client()
        let who = trigger == .push ? "push:\(invokingUser)" : invokingUser
        let answer = try await client.deploy(revision: revision, trigger: trigger.trigger, force: force, immediate: immediate, who: who)
        try await DeploymentWait.finish(answer, client: client, noWait: noWait, verbose: verbose)
    }
}
