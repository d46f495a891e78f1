import ArgumentParser
import Testing
@testable import urban_robot

@Suite("Command line")
struct CommandLineTests {
    static func parse<Command: ParsableCommand>(_ arguments: [String], as type: Command.Type) throws -> Command {
        try #require(try UrbanRobotCommand.parseAsRoot(arguments) as? Command)
    }

    @Test("deploy: revision, flags, trigger and config")
    func deploy() throws {
        let plain = try Self.parse(["deploy"], as: DeployCommand.self)
        #expect(plain.revision == nil && !plain.immediate && !plain.force && !plain.noWait && plain.trigger == .cli)
        #expect(plain.options.config == nil)
        let full = try Self.parse(["deploy", "abc123", "--immediate", "--force", "--no-wait", "--trigger", "push", "-c", "/etc/b.toml"],
                                  as: DeployCommand.self)
        #expect(full.revision == "abc123" && full.immediate && full.force && full.noWait && full.trigger == .push)
        #expect(full.options.path == "/etc/b.toml")
        #expect(try Self.parse(["deploy", "--config", "x.toml"], as: DeployCommand.self).options.config == "x.toml")
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["deploy", "--trigger", "poll"]) }
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["deploy", "a", "b"]) }
    }

    @Test("rollback: --to, --immediate, --no-wait")
    func rollback() throws {
        let plain = try Self.parse(["rollback"], as: RollbackCommand.self)
        #expect(plain.target == nil && !plain.immediate && !plain.noWait)
        let full = try Self.parse(["rollback", "--to", "good/20261127T051300Z", "--immediate", "--no-wait", "-c", "c.toml"],
                                  as: RollbackCommand.self)
        #expect(full.target == "good/20261127T051300Z" && full.immediate && full.noWait && full.options.config == "c.toml")
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["rollback", "v1"]) }
    }

    @Test("status and history: --json, -n")
    func statusHistory() throws {
        #expect(try !Self.parse(["status"], as: StatusCommand.self).json)
        #expect(try Self.parse(["status", "--json", "-c", "a.toml"], as: StatusCommand.self).json)
        #expect(try Self.parse(["status", "--watch"], as: StatusCommand.self).watch)
        #expect(try Self.parse(["status", "-w"], as: StatusCommand.self).watch)
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["status", "--watch", "--json"]) }
        let history = try Self.parse(["history", "--json", "-n", "5"], as: HistoryCommand.self)
        #expect(history.json && history.n == 5)
        #expect(try Self.parse(["history"], as: HistoryCommand.self).n == 20)
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["history", "-n", "0"]) }
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["history", "-n", "many"]) }
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["status", "--yaml"]) }
    }

    @Test("logs: INSTANCE, -f, --client, -n")
    func logs() throws {
        let plain = try Self.parse(["logs", "2"], as: LogsCommand.self)
        #expect(plain.instance == 2 && !plain.follow && plain.client == nil && plain.n == 100)
        let full = try Self.parse(["logs", "0", "-f", "--client", "shard-0.3", "-n", "10"], as: LogsCommand.self)
        #expect(full.instance == 0 && full.follow && full.client == "shard-0.3" && full.n == 10)
        #expect(try Self.parse(["logs", "1", "--follow"], as: LogsCommand.self).follow)
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["logs"]) }
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["logs", "shard"]) }
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["logs", "-1"]) }
    }

    @Test("init, abort, promote, resume, hook install")
    func others() throws {
        #expect(try Self.parse(["init"], as: InitCommand.self).directory == nil)
        #expect(try Self.parse(["init", "/srv/bot"], as: InitCommand.self).directory == "/srv/bot")
        #expect(try Self.parse(["init", "-c", "/etc/bot.toml"], as: InitCommand.self).config == "/etc/bot.toml")
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["init", "-c", "/etc/bot.toml", "/srv/bot"]) }
        #expect(try Self.parse(["abort", "-c", "a.toml"], as: AbortCommand.self).options.config == "a.toml")
        _ = try Self.parse(["promote"], as: PromoteCommand.self)
        _ = try Self.parse(["resume"], as: ResumeCommand.self)
        let hook = try Self.parse(["hook", "install", "/srv/git/bot.git", "-c", "/etc/bot.toml"], as: HookInstallCommand.self)
        #expect(hook.repository == "/srv/git/bot.git" && hook.options.path == "/etc/bot.toml")
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["hook", "install"]) }
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["abort", "now"]) }
        #expect(throws: (any Error).self) { try UrbanRobotCommand.parseAsRoot(["launch"]) }
    }

    @Test("every command has help naming -c/--config")
    func help() {
        for command in ["init", "deploy", "rollback", "status", "history", "logs", "abort", "promote", "resume", "hook install"] {
            let path = command.split(separator: " ").map(String.init)
            let subcommand = UrbanRobotCommand.configuration.subcommands.first { $0._commandName == path[0] }
            let leaf = path.count > 1 ? subcommand?.configuration.subcommands.first { $0._commandName == path[1] } : subcommand
            let text = UrbanRobotCommand.helpMessage(for: leaf ?? UrbanRobotCommand.self)
            #expect(text.contains("--config"), "\(command)")
        }
    }
}
