import ArgumentParser

/// `urban-robot hook`: the push hook.
struct HookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Manages the git push hook.",
        subcommands: [HookInstallCommand.self]
    )
}
