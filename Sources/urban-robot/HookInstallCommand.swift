import ArgumentParser
import UrbanRobot

/// `urban-robot hook install REPO`.
struct HookInstallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Installs the post-receive hook into the bare repository REPO: pushes to the configured branch deploy.",
        discussion: "Records in REPO's git config the absolute paths of this binary (urban-robot.binary) and of the configuration (urban-robot.config)."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The bare repository bot authors push to.")
    var repository: String

    func run() async throws {
        let hook = try HookInstaller.install(repository: repository, configPath: options.path)
        print("installed \(hook)")
    }
}
