import ArgumentParser
import FleetOperator

/// `urban-robot init [DIR | -c FILE]`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Writes DIR/urban-robot.toml (or FILE), a commented example configuration, and its state folder (state, next to it)."
    )

    /// Not ``ConfigOption``: for `init` the file is written, and neither `$URBAN_ROBOT_CONFIG` nor
    /// `./urban-robot.toml` is its default.
    @Option(name: [.short, .customLong("config")],
            help: ArgumentHelp("The configuration file to write (default: DIR/urban-robot.toml; not with DIR).", valueName: "FILE"))
    var config: String?

    @Argument(help: "The folder to initialize (default: the working folder; not with -c/--config).")
    var directory: String?

    func validate() throws {
        if let file = config, let directory {
            throw ValidationError("give either DIR (\(directory)) or -c/--config FILE (\(file)), not both: "
                + "-c writes FILE with its state folder next to it, DIR writes DIR/\(ConfigInitializer.fileName)")
        }
    }

    func run() async throws {
        let file = try config.map { try ConfigInitializer.initialize(file: $0) }
            ?? ConfigInitializer.initialize(directory: directory ?? ".")
        print("wrote \(file); set [source] url and [bot] command, then run `urban-robot serve -c \(file)`")
    }
}
