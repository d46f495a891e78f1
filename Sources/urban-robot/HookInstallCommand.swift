import ArgumentParser
import FleetOperator

/// `urban-robot hook install REPO`.
struct HookInstallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Installs the post-receive hook into the bare repository REPO: pushes to the configured branch deploy.",
        discussion: "Records in REPO's git config the absolute paths of this binary (urban-robot.binary) and of the configuration (urban-robot.config). An existing post-receive hook is kept as post-receive.before-urban-robot and run first."
    )

    @OptionGroup var options: ConfigOption

    @Argument(help: "The bare repository bot authors push to.")
    var repository: String

    func run() async throws {
        let installation = try HookInstaller.install(repository: repository, configPath: options.path)
        print("installed \(installation.hook)")
        if let kept = installation.keptPreviousHook {
            print("kept the repository's earlier post-receive hook as \(kept); the new hook runs it first")
        }
    }
}
