import ArgumentParser
import FleetOperator

/// `urban-robot init [DIR]`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Writes DIR/urban-robot.toml, a commented example configuration, and the state folder DIR/state."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The folder to initialize.")
    var directory = "."

    func run() async throws {
        let file = try ConfigInitializer.initialize(directory: directory)
        print("wrote \(file); set [source] url and [bot] command, then run `urban-robot serve -c \(file)`")
    }
}
