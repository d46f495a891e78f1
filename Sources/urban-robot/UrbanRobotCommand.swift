import ArgumentParser

/// `urban-robot`: the operator's command line. Every subcommand but `init`, `serve` and
/// `hook install` talks to the running daemon over its admin API.
@main
struct UrbanRobotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "urban-robot",
        abstract: "Deploys and rolls back a bot fleet, canary first, gated over a Socket.IO channel.",
        subcommands: [
            InitCommand.self, ServeCommand.self, DeployCommand.self, RollbackCommand.self, StatusCommand.self,
            HistoryCommand.self, LogsCommand.self, AbortCommand.self, PromoteCommand.self, ResumeCommand.self,
            HookCommand.self, DemoCommand.self, UICommand.self,
        ]
    )
}
